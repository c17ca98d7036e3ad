/**
 * Capabilities for live tests: what `docker run` must be given for a container to hold this host's whole
 * bounding set (a privileged-like container where `--privileged` itself fails).
 */
import { readFileSync } from 'node:fs';

/** capabilities(7) names by bit, for telling Docker which capabilities the host itself lacks. */
export const CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

/**
 * `--cap-add ALL`, less what this host's own bounding set lacks (runc cannot grant those: this is why
 * `--privileged` fails on some sandboxes). The container then holds the host's full set: privileged-like.
 */
export function allHostCapabilities(): string[] {
  const capBnd = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const bounding = BigInt(`0x${capBnd}`);
  const missing = CAPABILITIES.filter((_, bit) => ((bounding >> BigInt(bit)) & 1n) === 0n);
  return ['--cap-add', 'ALL', ...missing.flatMap((c) => ['--cap-drop', c])];
}
