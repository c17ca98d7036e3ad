import type { SortKey } from '../types';
import { HOST_RISK, HOST_RISK_WEIGHT } from './namespaceRisk';
import { nameRanks } from './nameOrder';
import type { ContainerView } from './types';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

const haystacks = new WeakMap<ContainerView, string>();

function haystack(c: ContainerView): string {
  let h = haystacks.get(c);
  if (h === undefined) {
    h = [c.name, c.image, c.pod, c.namespace, c.container, c.instance, c.id]
      .filter((s): s is string => !!s)
      .join('\n')
      .toLowerCase();
    haystacks.set(c, h);
  }
  return h;
}

/**
 * Containers whose name, image, pod, namespace, container, instance or id contain every word of `text`
 * (case-insensitive substrings; words separated by spaces). Blank text returns the input array itself.
 */
export function filterContainers(containers: ContainerView[], text: string): ContainerView[] {
  const words = (text ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) {
    return containers;
  }
  return containers.filter((c) => {
    const h = haystack(c);
    return words.every((w) => h.includes(w));
  });
}

/**
 * Security risk score, higher = riskier: privileged-like capabilities 4, seccomp disabled (mode 0) 3,
 * uid 0 mapped to host root 2, no_new_privs unset 1 (0..10). Unknown facts add nothing; a container
 * with no security facts at all has no score.
 */
export const RISK_WEIGHTS = { privileged: 4, seccompOff: 3, rootMapped: 2, noNewPrivsOff: 1 } as const;

export function riskScore(c: ContainerView): number | undefined {
  const s = c.security;
  if (
    s.privileged === undefined &&
    s.seccompMode === undefined &&
    s.rootMappedToHost === undefined &&
    s.noNewPrivs === undefined
  ) {
    return undefined;
  }
  return (
    (s.privileged ? RISK_WEIGHTS.privileged : 0) +
    (s.seccompMode === 0 ? RISK_WEIGHTS.seccompOff : 0) +
    (s.rootMappedToHost ? RISK_WEIGHTS.rootMapped : 0) +
    (s.noNewPrivs === false ? RISK_WEIGHTS.noNewPrivsOff : 0)
  );
}

/** A sort value compared as a tuple, element by element; undefined = no data (always last). */
type Rank = readonly number[] | undefined;

/** used/limit when there is a limit (tier 1), else used alone (tier 0): unlimited rows rank below limited ones. */
function usageRank(u: { used?: number; limit?: number }): Rank {
  if (u.used === undefined) {
    return undefined;
  }
  return u.limit !== undefined && u.limit > 0 ? [1, u.used / u.limit] : [0, u.used];
}

function sum(a: number | undefined, b: number | undefined): Rank {
  return a === undefined && b === undefined ? undefined : [0, (a ?? 0) + (b ?? 0)];
}

function one(v: number | undefined): Rank {
  return v === undefined ? undefined : [0, v];
}

/**
 * What each sort key means (ascending = smallest first):
 * - name: display name;
 * - isolation: isolationRank — the weighted risk of the host namespaces it holds, then how many namespaces
 *   it shares with other containers, then how many expected (low-risk) host namespaces it holds (ascending =
 *   best isolated first); no data when every cell is unknown;
 * - security: riskScore;
 * - cpu, memory, pids: used/limit; containers without a limit come by their usage, below every container
 *   with one (last when descending, first when ascending);
 * - pressure: the highest of CPU, memory and IO pressure;
 * - network: receive + transmit; io: read + write; throttled: throttled share.
 * Rows without the data sort last in both directions. Ties by name, then key (stable).
 */
export function sortRank(c: ContainerView, sortBy: SortKey): Rank {
  switch (sortBy) {
    case 'name':
      return [0, 0];
    case 'isolation':
      return isolationRank(c);
    case 'security':
      return one(riskScore(c));
    case 'cpu':
      return usageRank(c.cpu);
    case 'memory':
      return usageRank(c.memory);
    case 'pids':
      return usageRank(c.pids);
    case 'pressure': {
      const p = [c.pressure.cpu, c.pressure.memory, c.pressure.io].filter((v): v is number => v !== undefined);
      return p.length ? [0, Math.max(...p)] : undefined;
    }
    case 'network':
      return sum(c.network.rx, c.network.tx);
    case 'io':
      return sum(c.io.read, c.io.write);
    case 'throttled':
      return one(c.throttled);
    default:
      return undefined;
  }
}

/**
 * Least isolated = highest: [Σ HOST_RISK_WEIGHT of its host namespaces, shared namespaces, low-risk host
 * namespaces]. A host pid/net/ipc/mnt namespace (3) outranks both moderate ones (user, uts: 1 each) together;
 * sharing with other containers comes next; host cgroup and time namespaces, which every Docker container
 * may hold, weigh nothing and only break ties. Undefined when every cell is unknown.
 */
export function isolationRank(c: ContainerView): Rank {
  let weighted = 0;
  let shared = 0;
  let expected = 0;
  let known = 0;
  for (const cell of c.namespaces) {
    if (cell.state === 'host') {
      const risk = HOST_RISK[cell.type].risk;
      weighted += HOST_RISK_WEIGHT[risk];
      if (risk === 'low') {
        expected++;
      }
    } else if (cell.state === 'shared') {
      shared++;
    }
    if (cell.state !== 'unknown') {
      known++;
    }
  }
  return known === 0 ? undefined : [weighted, shared, expected];
}

function byName(a: ContainerView, b: ContainerView): number {
  return collator.compare(a.name, b.name) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * The comparison by name for these containers: their model's ranks when it has them (buildPanelModel
 * ranked them with the same comparison), else the collator.
 */
function nameComparison(containers: ContainerView[]): (a: ContainerView, b: ContainerView) => number {
  const ranks = nameRanks(containers);
  return ranks ? (a, b) => ranks.get(a)! - ranks.get(b)! : byName;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

/** A sorted copy; see sortRank for what each key means. */
export function sortContainers(containers: ContainerView[], sortBy: SortKey, desc: boolean): ContainerView[] {
  const dir = desc ? -1 : 1;
  const compareNames = nameComparison(containers);
  if (sortBy === 'name') {
    return [...containers].sort((a, b) => dir * compareNames(a, b));
  }
  const decorated = containers.map((c) => ({ c, r: sortRank(c, sortBy) }));
  decorated.sort((a, b) => {
    if (a.r === undefined || b.r === undefined) {
      if (a.r !== b.r) {
        return a.r === undefined ? 1 : -1;
      }
    } else {
      const d = compareRanks(a.r, b.r);
      if (d !== 0) {
        return dir * d;
      }
    }
    return compareNames(a.c, b.c);
  });
  return decorated.map((d) => d.c);
}
