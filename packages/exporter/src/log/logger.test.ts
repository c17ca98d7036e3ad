import { createLogger } from './logger';

const at = () => new Date('2026-01-02T03:04:05.000Z');

describe('logger', () => {
  it('writes logfmt, quoting values with spaces', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', format: 'logfmt' }, (l) => lines.push(l), at);
    log.info('cgroup hierarchy', { mode: 'hybrid', hint: 'run as root' });
    expect(lines).toEqual([
      'ts=2026-01-02T03:04:05.000Z level=info msg="cgroup hierarchy" mode=hybrid hint="run as root"',
    ]);
  });

  it('writes one JSON object a line', () => {
    const lines: string[] = [];
    createLogger({ level: 'debug', format: 'json' }, (l) => lines.push(l), at).warn('x', { n: 1 });
    expect(JSON.parse(lines[0])).toEqual({ ts: '2026-01-02T03:04:05.000Z', level: 'warn', msg: 'x', n: 1 });
  });

  it('drops messages below the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', format: 'logfmt' }, (l) => lines.push(l), at);
    log.debug('a');
    log.info('b');
    log.error('c');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('level=error');
  });
});
