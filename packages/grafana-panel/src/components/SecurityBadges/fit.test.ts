import { BADGE_GAP_PX, badgesThatFit, badgeWidth } from './fit';

const FOUR = ['privileged', 'seccomp off', 'host root', 'nnp off'];

describe('badgesThatFit', () => {
  it('draws every badge when they fit the lines, and all when the width is unknown', () => {
    const oneLine = FOUR.reduce((w, t) => w + badgeWidth(t), 0) + 3 * BADGE_GAP_PX;
    expect(badgesThatFit(FOUR, oneLine, 1)).toBe(4);
    expect(badgesThatFit(FOUR, undefined, 1)).toBe(4);
    expect(badgesThatFit([], 50, 1)).toBe(0);
  });

  it('keeps room for a "+n" badge when they do not', () => {
    // one badge a line: two lines hold one badge and "+3"… or the first two, when "+2" fits beside the second
    const w = badgeWidth('seccomp off');
    expect(badgesThatFit(FOUR, w, 2)).toBe(1);
    const two = badgeWidth('seccomp off') + BADGE_GAP_PX + badgeWidth('+2');
    expect(badgesThatFit(FOUR, two, 2)).toBe(2);
  });

  it('always names the worst risk, however narrow', () => {
    expect(badgesThatFit(FOUR, 10, 1)).toBe(1);
  });
});
