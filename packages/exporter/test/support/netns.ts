import { execFileSync } from 'node:child_process';

/**
 * Links the network namespaces of two processes of the test's own containers with a veth pair named `eth1`
 * at both ends, `<prefix>.1/30` on `a`'s and `<prefix>.2/30` on `b`'s, both up: real interface counters
 * between namespaces the test made, with no traffic anywhere else. The pair goes with the namespaces.
 */
export function linkNamespaces(a: number, b: number, prefix: string): void {
  execFileSync('ip', [
    'link',
    'add',
    'eth1',
    'netns',
    String(a),
    'type',
    'veth',
    'peer',
    'name',
    'eth1',
    'netns',
    String(b),
  ]);
  const inNs = (pid: number, ...args: string[]) => execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', ...args]);
  inNs(a, 'addr', 'add', `${prefix}.1/30`, 'dev', 'eth1');
  inNs(b, 'addr', 'add', `${prefix}.2/30`, 'dev', 'eth1');
  inNs(a, 'link', 'set', 'eth1', 'up');
  inNs(b, 'link', 'set', 'eth1', 'up');
}
