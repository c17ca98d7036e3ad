import { containerView as v } from '../../test/fixtures/testFrames';
import { namespaces } from '../../test/support/factory';
import { filterBySummary, isThrottled, summarise, SUMMARY_KEYS } from './summary';

const fleet = [
  v({ name: 'hostnet', namespaces: namespaces({ net: 'host', pid: 'host' }) }),
  v({ name: 'shared', namespaces: namespaces({ net: 'shared', ipc: 'host' }) }),
  v({ name: 'unknown', namespaces: namespaces({}, 'unknown') }),
  v({ name: 'unconfined', security: { seccompMode: 0, privileged: true, rootMappedToHost: true } }),
  v({ name: 'filtered', security: { seccompMode: 2, privileged: false, rootMappedToHost: false } }),
  v({ name: 'throttled', throttled: 0.02, memory: { used: 95, limit: 100 } }),
  v({ name: 'idle', throttled: 0, memory: { used: 89, limit: 100 } }),
  v({ name: 'nan', throttled: Number.NaN, memory: { used: 500 } }),
  v({ name: 'at-limit', memory: { used: 90, limit: 100 }, namespaces: namespaces({ net: 'host' }) }),
];
const names = (cs: Array<{ name: string }>) => cs.map((c) => c.name);

describe('summarise', () => {
  it('counts each check over the containers, unknown facts never', () => {
    expect(summarise(fleet)).toEqual({
      hostNet: 2,
      hostPid: 1,
      hostIpc: 1,
      seccompOff: 1,
      privileged: 1,
      rootMapped: 1,
      throttled: 1,
      memoryNearLimit: 2,
    });
  });

  it('counts zero of everything in an empty fleet', () => {
    expect(Object.values(summarise([]))).toEqual(SUMMARY_KEYS.map(() => 0));
  });
});

describe('isThrottled', () => {
  it('is any throttled share above 0; 0 and NaN (no periods) are not', () => {
    expect(fleet.filter(isThrottled).map((c) => c.name)).toEqual(['throttled']);
  });
});

describe('filterBySummary', () => {
  it('returns the input itself when no toggle is pressed', () => {
    expect(filterBySummary(fleet, [])).toBe(fleet);
  });

  it('keeps what one check finds', () => {
    expect(names(filterBySummary(fleet, ['hostNet']))).toEqual(['hostnet', 'at-limit']);
    expect(names(filterBySummary(fleet, ['memoryNearLimit']))).toEqual(['throttled', 'at-limit']);
  });

  it('combines checks with AND', () => {
    expect(names(filterBySummary(fleet, ['hostNet', 'memoryNearLimit']))).toEqual(['at-limit']);
    expect(names(filterBySummary(fleet, ['hostNet', 'hostPid']))).toEqual(['hostnet']);
    expect(filterBySummary(fleet, ['privileged', 'throttled'])).toEqual([]);
  });
});
