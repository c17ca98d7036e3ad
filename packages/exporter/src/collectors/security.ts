import { join } from 'node:path';
import { METRICS } from '@isoscope/shared';
import { mapsRootToHostRoot, parseIdMap } from '../parsers/idMap';
import { countBits, parseProcStatus } from '../parsers/procStatus';
import type { Collector } from './collector';

/**
 * Capabilities 0–37 (CAP_CHOWN … CAP_AUDIT_READ, Linux 3.16). Runtimes built before Linux 5.8/5.9 do not
 * know CAP_PERFMON, CAP_BPF or CAP_CHECKPOINT_RESTORE, so even their `--privileged` leaves those out (Docker
 * 20.10 grants 0x3fffffffff on a kernel whose full set is 0x1ffffffffff). Comparing the classic set keeps
 * such containers recognised as privileged.
 */
const CLASSIC_CAPABILITIES = (1n << 38n) - 1n;

/** Whether an effective set holds every capability of the host's bounding set (within the classic set). */
export function isPrivilegedLike(capEff: bigint, hostBounding: bigint): boolean {
  const wanted = hostBounding & CLASSIC_CAPABILITIES;
  return (capEff & wanted) === wanted;
}

/**
 * The security context a container's process really runs with, from /proc/<pid>/status (seccomp mode,
 * no_new_privs, effective capabilities) and uid_map (is uid 0 inside uid 0 on the host). "Privileged" is
 * judged by effect: an effective set equal to the host's full bounding set, whatever the runtime claims.
 */
export const securityCollector: Collector = {
  name: 'security',
  collect(scrape, t) {
    if (t.pid === undefined) return;
    const reader = scrape.reader('security', t);
    const facts = scrape.env.processes.of(t)!;
    // The same string every scrape (see ProcessFacts.statusPath).
    const statusPath = (facts.statusPath ??= join(scrape.env.procfs, String(t.pid), 'status'));
    const status = reader.parse(statusPath, parseProcStatus);
    if (status) {
      if (status.seccomp !== undefined) scrape.emit(METRICS.securitySeccompMode, t, status.seccomp);
      else reader.missing(statusPath, 'Seccomp');
      if (status.noNewPrivs !== undefined) scrape.emit(METRICS.securityNoNewPrivs, t, status.noNewPrivs ? 1 : 0);
      else reader.missing(statusPath, 'NoNewPrivs');
      if (status.capEff !== undefined) {
        scrape.emit(METRICS.securityCapabilitiesEffective, t, countBits(status.capEff));
        const hostBounding = scrape.env.reference.capBnd;
        if (hostBounding !== undefined)
          scrape.emit(METRICS.securityPrivileged, t, isPrivilegedLike(status.capEff, hostBounding) ? 1 : 0);
      } else reader.missing(statusPath, 'CapEff');
    }
    // The uid map is written once, before the process runs anything: read it once per process.
    if (facts.rootMappedToHost === undefined) {
      const mapPath = join(scrape.env.procfs, String(t.pid), 'uid_map');
      const text = reader.read(mapPath);
      if (text !== undefined) {
        const { ranges, malformed } = parseIdMap(text);
        reader.malformed(mapPath, malformed);
        if (malformed === 0) facts.rootMappedToHost = mapsRootToHostRoot(ranges);
        else scrape.emit(METRICS.securityRootMappedToHost, t, mapsRootToHostRoot(ranges) ? 1 : 0);
      }
    }
    if (facts.rootMappedToHost !== undefined)
      scrape.emit(METRICS.securityRootMappedToHost, t, facts.rootMappedToHost ? 1 : 0);
  },
};
