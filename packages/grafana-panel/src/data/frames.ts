/**
 * Frames → PanelModel: one pass over every series / table row, joined by container (instance + cgroup id),
 * then one pass per container to derive the view. See FRAMES.md for the frame shapes this reads.
 */
import { FieldType, type DataFrame, type Field, type FieldConfig, type Labels } from '@grafana/data';
import { NAMESPACE_TYPES } from '@isoscope/shared';

import { setNameOrder, type NameOrder } from './nameOrder';
import { isRoleKey } from './refIdRoles';
import { ROLE_BY_METRIC, ROLE_KEYS, type RoleKey } from './roles';
import type { ContainerView, NamespaceCell, NamespaceState, PanelModel } from './types';

/** The exporter's (and cAdvisor's) id of the machine's own series: the root cgroup, not a container. */
const MACHINE_ID = '/';

/**
 * The Kubernetes `container` label of a pod's sandbox (the pause container, which holds the pod's shared
 * namespaces): not a workload, so no row and nothing the fleet summary counts. Its app containers still name
 * it among those they share a namespace with, since it does hold them.
 */
const POD_SANDBOX = 'POD';

/** At most this many names in `NamespaceCell.sharedWith` (`sharedWithCount` has the full count). */
export const SHARED_WITH_MAX = 20;
/** Memory limits at or above this are cgroup v1's "unlimited" (page-counter max), not a limit. */
const MEMORY_UNLIMITED = 2 ** 60;

type NsRole = 'nsInode' | 'nsHost' | 'nsSharers';
const TABLE_VALUE_NAME = /^Value #(.+)$/;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Each role's slot in an accumulator's arrays; the namespace roles have one slot per namespace type after them. */
const ROLE_SLOT = new Map<RoleKey, number>(ROLE_KEYS.map((k, i) => [k, i]));
const NS_ROLE_KEYS: readonly NsRole[] = ['nsInode', 'nsHost', 'nsSharers'];
const NS_TYPE_INDEX = new Map<string, number>(NAMESPACE_TYPES.map((t, i) => [t, i]));
const SLOTS = ROLE_KEYS.length + NAMESPACE_TYPES.length * NS_ROLE_KEYS.length;
const nsSlot = (type: number, role: NsRole) =>
  ROLE_KEYS.length + type * NS_ROLE_KEYS.length + NS_ROLE_KEYS.indexOf(role);
/** Per ROLE_KEYS index: its place in NS_ROLE_KEYS, or -1 for the roles that are not per namespace type. */
const NS_ROLE_INDEX = ROLE_KEYS.map((k) => NS_ROLE_KEYS.indexOf(k as NsRole));
/** roleIndex's answer for a metric no role reads. */
const NOT_A_ROLE = -2;

/**
 * One container's samples so far. Values and times live in flat arrays (a slot per role, and per namespace
 * type and namespace role), not in an object per sample: 92,000 of them at 2,000 containers.
 */
interface Acc {
  key: string;
  instance: string;
  id: string;
  name?: string;
  image?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  /** Some of name, image, namespace, pod, container are still unknown. */
  open: boolean;
  v: Float64Array;
  t: Float64Array;
  has: Uint8Array;
  config: Partial<Record<RoleKey, FieldConfig>>;
}

/** Where the role of a value column's samples comes from: its metric name per row, or one role for all. */
type RoleCache = Map<string, number>;

/** What went wrong with one refId's data, counted while reading. */
interface Problems {
  expr?: string;
  noRole: number;
  unknownMetrics: Map<string, number>;
  noId: number;
  noIdRoles: Set<RoleKey>;
  noNsType: number;
  noNumbers: number;
}

export interface BuildOptions {
  /** Explicit refId → role mappings (parseRefIdRoles); they win over metric names. */
  refIdRoles: Record<string, RoleKey>;
  /**
   * Draw CPU against the cpuset (the CPUs the container may run on) when it has no CFS quota. Off by
   * default: an unpinned container's cpuset is the host's core count, which limits nothing.
   */
  cpusetAsCpuLimit?: boolean;
}

/** The key that makes a container unique across hosts. */
export function containerKey(instance: string, id: string): string {
  return `${instance}|${id}`;
}

/**
 * A display name for a container without a `name` label: the last segment of its cgroup path, a
 * container id in it shortened to 12 hex digits (`/system.slice/docker-<64 hex>.scope` → `<12 hex>`).
 */
export function shortName(id: string): string {
  const segments = id.split('/').filter((s) => s !== '');
  const last = segments.length ? segments[segments.length - 1] : id;
  const hex = /([0-9a-f]{32,})(?:\.scope)?$/i.exec(last);
  return hex ? hex[1].slice(0, 12).toLowerCase() : last;
}

/**
 * The row's name: the `name` label, unless it is only a 64-hex container id — what kubelet's cAdvisor and
 * the exporter's CRI source set on containerd and CRI-O — where the Kubernetes container name says more
 * (a pod's sandbox is "POD"). Without either, the short form of the cgroup path.
 */
export function displayName(name: string | undefined, container: string | undefined, id: string): string {
  if (name && !/^[0-9a-f]{64}$/.test(name)) {
    return name;
  }
  return container || (name ? name.slice(0, 12) : shortName(id));
}

/** A slot's value when it has a finite one. */
function finite(acc: Acc, slot: number): number | undefined {
  return acc.has[slot] === 1 && Number.isFinite(acc.v[slot]) ? acc.v[slot] : undefined;
}

function flag(acc: Acc, slot: number): boolean | undefined {
  const v = finite(acc, slot);
  return v === undefined ? undefined : v !== 0;
}

/** Fills the container's labels still unknown (the first sample that has one wins). */
function fill(
  acc: Acc,
  name: string | undefined,
  image: string | undefined,
  namespace: string | undefined,
  pod: string | undefined,
  container: string | undefined
): void {
  if (acc.name === undefined && name) {
    acc.name = name;
  }
  if (acc.image === undefined && image) {
    acc.image = image;
  }
  if (acc.namespace === undefined && namespace) {
    acc.namespace = namespace;
  }
  if (acc.pod === undefined && pod) {
    acc.pod = pod;
  }
  if (acc.container === undefined && container) {
    acc.container = container;
  }
  acc.open =
    acc.name === undefined ||
    acc.image === undefined ||
    acc.namespace === undefined ||
    acc.pod === undefined ||
    acc.container === undefined;
}

function positive(v: number | undefined): number | undefined {
  return v !== undefined && v > 0 ? v : undefined;
}

function executedExpr(frame: DataFrame): string | undefined {
  const s = frame.meta?.executedQueryString;
  if (!s || !s.startsWith('Expr: ')) {
    return undefined;
  }
  const step = s.lastIndexOf('\nStep: ');
  return s.slice('Expr: '.length, step > 0 ? step : undefined).trim() || undefined;
}

/** A table's label column at row i: its string, or the value column's own label when the cell is empty. */
function cell(col: unknown[] | undefined, i: number, fallback: string | undefined): string | undefined {
  const s = col === undefined ? undefined : col[i];
  return typeof s === 'string' && s !== '' ? s : fallback;
}

class Builder {
  private readonly accs = new Map<string, Acc>();
  /** The same containers by instance, then id: no key string to build per sample (74,000 at 2,000 containers). */
  private readonly byInstance = new Map<string, Map<string, Acc>>();
  private readonly present = new Set<RoleKey>();
  private readonly problems = new Map<string, Problems>();
  /** Per refId, each metric name's role (a ROLE_KEYS index, or NOT_A_ROLE): looked up once, not per sample. */
  private readonly roleCaches = new Map<string, RoleCache>();
  /** The accumulator the last accepted sample went to (slotOf's second result). */
  private acc!: Acc;
  /** Per ROLE_KEYS index: in `present` already. */
  private readonly seen = new Uint8Array(ROLE_KEYS.length);
  /** The instance of the last sample and its containers: consecutive samples are mostly on one host. */
  private lastInstance: string | undefined;
  private lastOfInstance: Map<string, Acc> | undefined;

  constructor(
    private readonly mapping: Record<string, RoleKey>,
    private readonly cpusetAsLimit: boolean
  ) {}

  private problemsOf(refId: string): Problems {
    let p = this.problems.get(refId);
    if (!p) {
      p = { noRole: 0, unknownMetrics: new Map(), noId: 0, noIdRoles: new Set(), noNsType: 0, noNumbers: 0 };
      this.problems.set(refId, p);
    }
    return p;
  }

  private roleOf(refId: string, metric: string | undefined): RoleKey | undefined {
    if (refId !== '' && Object.prototype.hasOwnProperty.call(this.mapping, refId)) {
      return this.mapping[refId];
    }
    const byMetric = metric ? ROLE_BY_METRIC.get(metric) : undefined;
    if (byMetric) {
      return byMetric;
    }
    return isRoleKey(refId) ? refId : undefined;
  }

  /** roleOf as a ROLE_KEYS index (NOT_A_ROLE when none), cached per refId and metric. */
  private roleIndex(refId: string, metric: string | undefined): number {
    let cache = this.roleCaches.get(refId);
    if (!cache) {
      cache = new Map();
      this.roleCaches.set(refId, cache);
    }
    const k = metric ?? '';
    let r = cache.get(k);
    if (r === undefined) {
      const role = this.roleOf(refId, metric || undefined);
      r = role === undefined ? NOT_A_ROLE : ROLE_SLOT.get(role)!;
      cache.set(k, r);
    }
    return r;
  }

  readFrame(frame: DataFrame): void {
    const refId = frame.refId ?? '';
    const expr = executedExpr(frame);
    if (expr !== undefined) {
      this.problemsOf(refId).expr = expr;
    }
    if (frame.fields.length === 0 || frame.length === 0) {
      return; // "no data" frame
    }
    const [a, b] = frame.fields;
    if (frame.fields.length === 2 && a.type === FieldType.time && b.type === FieldType.number) {
      // the common frame (one series: Time and its values, FRAMES.md): no field lists to build
      this.readSeriesField(refId, b, a);
      return;
    }
    let timeField: Field | undefined;
    const strings: Field[] = [];
    const numbers: Field[] = [];
    for (const f of frame.fields) {
      if (f.type === FieldType.number) {
        numbers.push(f);
      } else if (f.type === FieldType.string) {
        strings.push(f);
      } else if (f.type === FieldType.time && !timeField) {
        timeField = f;
      }
    }
    if (numbers.length === 0) {
      this.problemsOf(refId).noNumbers++;
    } else if (strings.length === 0) {
      this.readSeries(refId, numbers, timeField);
    } else {
      this.readTable(refId, strings, numbers, timeField);
    }
  }

  /** Each number field is one series: its last non-null sample. */
  private readSeries(refId: string, numbers: Field[], timeField: Field | undefined): void {
    for (const f of numbers) {
      this.readSeriesField(refId, f, timeField);
    }
  }

  private readSeriesField(refId: string, f: Field, timeField: Field | undefined): void {
    const values = f.values;
    let i = values.length - 1;
    while (i >= 0 && values[i] == null) {
      i--;
    }
    if (i < 0) {
      return;
    }
    const labels: Labels = f.labels ?? {};
    const metric = labels.__name__ || (ROLE_BY_METRIC.has(f.name) ? f.name : undefined);
    const slot = this.slotOf(refId, this.roleIndex(refId, metric), metric, labels.id, labels.instance, labels.ns_type);
    if (slot < 0) {
      return;
    }
    const acc = this.acc;
    if (acc.open) {
      fill(acc, labels.name, labels.image, labels.namespace, labels.pod, labels.container);
    }
    this.put(acc, slot, Number(values[i]), timeField ? Number(timeField.values[i]) : -Infinity, f);
  }

  /**
   * String fields are labels per row; each number field is a value column ("Value #<refId>" names its
   * refId). Read column by column: each label column's array is found once, each metric name's role once;
   * a row costs a few array reads and map lookups, and no object.
   */
  private readTable(refId: string, strings: Field[], numbers: Field[], timeField: Field | undefined): void {
    const col = (name: string) => strings.find((s) => s.name === name)?.values;
    const [nameCol, instanceCol, idCol, nsTypeCol] = [col('__name__'), col('instance'), col('id'), col('ns_type')];
    const attrCols = [col('name'), col('image'), col('namespace'), col('pod'), col('container')];
    const times = timeField?.values;
    for (const f of numbers) {
      const m = TABLE_VALUE_NAME.exec(f.name);
      const columnRefId = m ? m[1] : refId;
      const fallbackMetric = ROLE_BY_METRIC.has(f.name) ? f.name : undefined;
      const base: Labels = f.labels ?? {};
      const values = f.values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v == null) {
          continue;
        }
        const metric = cell(nameCol, i, base.__name__) || fallbackMetric;
        const slot = this.slotOf(
          columnRefId,
          this.roleIndex(columnRefId, metric),
          metric,
          cell(idCol, i, base.id),
          cell(instanceCol, i, base.instance),
          cell(nsTypeCol, i, base.ns_type)
        );
        if (slot < 0) {
          continue;
        }
        const acc = this.acc;
        if (acc.open) {
          fill(
            acc,
            cell(attrCols[0], i, base.name),
            cell(attrCols[1], i, base.image),
            cell(attrCols[2], i, base.namespace),
            cell(attrCols[3], i, base.pod),
            cell(attrCols[4], i, base.container)
          );
        }
        this.put(acc, slot, Number(v), times ? Number(times[i]) : -Infinity, f);
      }
    }
  }

  /**
   * The slot a sample goes to, with its container in `this.acc`; -1 when it cannot be placed (the
   * reason counted in the refId's problems) or is the machine's own.
   */
  private slotOf(
    refId: string,
    r: number,
    metric: string | undefined,
    id: string | undefined,
    instance: string | undefined,
    nsLabel: string | undefined
  ): number {
    if (r === NOT_A_ROLE) {
      const p = this.problemsOf(refId);
      if (metric) {
        p.unknownMetrics.set(metric, (p.unknownMetrics.get(metric) ?? 0) + 1);
      } else {
        p.noRole++;
      }
      return -1;
    }
    const role = ROLE_KEYS[r];
    if (!id) {
      const p = this.problemsOf(refId);
      p.noId++;
      p.noIdRoles.add(role);
      return -1;
    }
    // The machine's own series (the root cgroup, cAdvisor's id="/"): no container, so no row.
    if (id === MACHINE_ID) {
      return -1;
    }
    let slot = r;
    const nsRole = NS_ROLE_INDEX[r];
    if (nsRole >= 0) {
      const type = nsLabel ? NS_TYPE_INDEX.get(nsLabel) : undefined;
      if (type === undefined) {
        this.problemsOf(refId).noNsType++;
        return -1;
      }
      slot = ROLE_KEYS.length + type * NS_ROLE_KEYS.length + nsRole;
    }
    const inst = instance ?? '';
    let ofInstance = inst === this.lastInstance ? this.lastOfInstance : this.byInstance.get(inst);
    if (!ofInstance) {
      ofInstance = new Map();
      this.byInstance.set(inst, ofInstance);
    }
    this.lastInstance = inst;
    this.lastOfInstance = ofInstance;
    let acc = ofInstance.get(id);
    if (!acc) {
      const key = containerKey(inst, id);
      acc = {
        key,
        instance: inst,
        id,
        open: true,
        v: new Float64Array(SLOTS),
        t: new Float64Array(SLOTS),
        has: new Uint8Array(SLOTS),
        config: {},
      };
      ofInstance.set(id, acc);
      this.accs.set(key, acc);
    }
    this.acc = acc;
    if (this.seen[r] === 0) {
      this.seen[r] = 1;
      this.present.add(role);
    }
    return slot;
  }

  /** The later sample wins; on equal times the one already held. */
  private put(acc: Acc, slot: number, v: number, t: number, field: Field): void {
    if (acc.has[slot] === 0 || t > acc.t[slot]) {
      acc.has[slot] = 1;
      acc.v[slot] = v;
      acc.t[slot] = t;
      if (slot < ROLE_KEYS.length) {
        // the field the kept sample came from: its config is the role's, overrides applied (Grafana applies
        // them to data.series before the panel gets it)
        acc.config[ROLE_KEYS[slot]] = field.config;
      }
    }
  }

  build(): PanelModel {
    const containers: ContainerView[] = [];
    const hostFlags: Array<Array<boolean | undefined>> = [];
    for (const acc of this.accs.values()) {
      containers.push(toView(acc, this.cpusetAsLimit));
      hostFlags.push(NAMESPACE_TYPES.map((_, type) => flag(acc, nsSlot(type, 'nsHost'))));
    }

    // Names are compared once here, with the collator; everything after sorts by
    // the rank it gives: a namespace's members, the rows, and the view's sort by name (nameOrder.ts).
    const byName = containers.slice().sort((a, b) => collator.compare(a.name, b.name) || compareStrings(a.key, b.key));
    const order: NameOrder = { rank: new Map(byName.map((c, i) => [c, i])) };
    const rank = order.rank;

    /** instance → per namespace type (NAMESPACE_TYPES order) → inode → the cells in that namespace. */
    const byHost = new Map<string, Array<Map<number, Array<{ view: ContainerView; cell: NamespaceCell }>>>>();
    // in name order, so each namespace's members are too
    for (const view of byName) {
      let perType = byHost.get(view.instance);
      if (!perType) {
        perType = NAMESPACE_TYPES.map(() => new Map());
        byHost.set(view.instance, perType);
      }
      for (let type = 0; type < view.namespaces.length; type++) {
        const cell = view.namespaces[type];
        if (cell.inode !== undefined) {
          let members = perType[type].get(cell.inode);
          if (!members) {
            members = [];
            perType[type].set(cell.inode, members);
          }
          members.push({ view, cell });
        }
      }
    }

    for (const perType of byHost.values()) {
      for (const byInode of perType) {
        for (const members of byInode.values()) {
          // Members past the first SHARED_WITH_MAX all list the same first names: one array for them (a
          // host namespace holds every container of its host).
          const first = members.slice(0, SHARED_WITH_MAX + 1).map((m) => m.view.name);
          const common = first.slice(0, SHARED_WITH_MAX);
          members.forEach(({ cell }, k) => {
            cell.sharedWithCount = members.length - 1;
            cell.sharedWith = k >= SHARED_WITH_MAX ? common : first.filter((_, j) => j !== k).slice(0, SHARED_WITH_MAX);
          });
        }
      }
    }

    containers.forEach((view, i) => {
      view.namespaces.forEach((cell, type) => {
        cell.state = stateOf(cell, hostFlags[i][type]);
      });
    });

    // Hosts in collator order; hosts the collator holds equal share a rank, and their rows mix by name.
    const hosts = [...byHost.keys()].sort(collator.compare);
    const hostRank = new Map<string, number>();
    hosts.forEach((h, i) =>
      hostRank.set(h, i > 0 && collator.compare(hosts[i - 1], h) === 0 ? hostRank.get(hosts[i - 1])! : i)
    );

    const rows = containers.filter((c) => c.container !== POD_SANDBOX);
    rows.sort((a, b) => hostRank.get(a.instance)! - hostRank.get(b.instance)! || rank.get(a)! - rank.get(b)!);
    setNameOrder(containers, order);
    return { containers: rows, present: new Set(this.present), unrecognised: this.describeProblems() };
  }

  private describeProblems(): string[] {
    const out: string[] = [];
    for (const [refId, p] of this.problems) {
      const q = refId === '' ? 'a query without refId' : `query "${p.expr ?? refId}" (refId ${refId})`;
      if (p.noRole > 0) {
        out.push(
          `${q}: no metric name and no role mapped (${p.noRole} series); map it in the options` +
            (refId !== '' ? `, e.g. "${refId}=cpuUsage"` : '')
        );
      }
      if (p.unknownMetrics.size > 0) {
        const names = [...p.unknownMetrics.keys()].sort();
        const shown = names.slice(0, 5).join(', ') + (names.length > 5 ? `, … (${names.length - 5} more)` : '');
        const n = [...p.unknownMetrics.values()].reduce((a, b) => a + b, 0);
        out.push(`${q}: metrics the panel does not read (${n} series): ${shown}`);
      }
      if (p.noId > 0) {
        out.push(
          `${q}: ${p.noId} series of ${[...p.noIdRoles].join(', ')} have no "id" label (the cgroup path), so they ` +
            `cannot be matched to a container; keep "id" and "instance" in the query's by/without clauses`
        );
      }
      if (p.noNsType > 0) {
        out.push(`${q}: ${p.noNsType} namespace series have no known "ns_type" label (${NAMESPACE_TYPES.join(', ')})`);
      }
      if (p.noNumbers > 0) {
        out.push(`${q}: ${p.noNumbers} frame(s) without numeric values`);
      }
    }
    return out;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A namespace cell's state: 'host' when container_namespace_shared_with_host is 1; else 'shared' when
 * more than one container is in it (sharers > 1, or another container on the host has the same inode);
 * else 'private' when sharers is 1; else 'unknown'.
 */
function stateOf(cell: NamespaceCell, host: boolean | undefined): NamespaceState {
  if (host === true) {
    return 'host';
  }
  if ((cell.sharers !== undefined && cell.sharers > 1) || (cell.sharedWithCount ?? 0) > 0) {
    return 'shared';
  }
  if (cell.sharers === 1) {
    return 'private';
  }
  return 'unknown';
}

function toView(acc: Acc, cpusetAsLimit: boolean): ContainerView {
  const val = (k: RoleKey) => finite(acc, ROLE_SLOT.get(k)!);

  const namespaces: NamespaceCell[] = NAMESPACE_TYPES.map((type, i) => ({
    type,
    state: 'unknown',
    inode: finite(acc, nsSlot(i, 'nsInode')),
    sharers: finite(acc, nsSlot(i, 'nsSharers')),
    sharedWith: [],
  }));

  const quota = positive(val('cpuQuota'));
  const period = positive(val('cpuPeriod'));
  const cpuset = positive(val('cpuset'));
  const cpu: ContainerView['cpu'] = { used: val('cpuUsage') };
  if (cpuset !== undefined) {
    cpu.cpuset = cpuset;
  }
  if (quota !== undefined && period !== undefined) {
    cpu.limit = quota / period;
    cpu.limitSource = 'quota';
  } else if (cpuset !== undefined && cpusetAsLimit) {
    // only when asked: an unpinned container's cpuset is every core of the host, which is no limit
    cpu.limit = cpuset;
    cpu.limitSource = 'cpuset';
  }

  const memLimit = positive(val('memoryLimit'));

  return {
    key: acc.key,
    instance: acc.instance,
    id: acc.id,
    name: displayName(acc.name, acc.container, acc.id),
    // assigned, not spread in: object spread compiles to a helper that cost ~20 µs per container
    nameLabel: acc.name,
    image: acc.image,
    namespace: acc.namespace,
    pod: acc.pod,
    container: acc.container,
    namespaces,
    security: {
      seccompMode: val('seccomp'),
      noNewPrivs: flag(acc, ROLE_SLOT.get('noNewPrivs')!),
      capabilities: val('capabilities'),
      privileged: flag(acc, ROLE_SLOT.get('privileged')!),
      rootMappedToHost: flag(acc, ROLE_SLOT.get('rootMapped')!),
    },
    cpu,
    throttled: val('throttled'),
    memory: {
      used: val('memory'),
      limit: memLimit !== undefined && memLimit < MEMORY_UNLIMITED ? memLimit : undefined,
    },
    pids: { used: val('pids'), limit: positive(val('pidsLimit')) },
    pressure: { cpu: val('pressureCpu'), memory: val('pressureMemory'), io: val('pressureIo') },
    network: { rx: val('networkRx'), tx: val('networkTx') },
    io: { read: val('ioRead'), write: val('ioWrite') },
    config: acc.config,
  };
}

/**
 * Builds the panel's view model from the query results.
 *
 * Each value's role: the refId's explicit mapping, else its metric name (`__name__` label or column) via
 * ROLE_BY_METRIC, else its refId when that is a role key. Series: the last non-null sample; table rows:
 * each row. Values join by container key (`instance` + `id`); duplicates keep the latest sample.
 * Non-finite values (NaN from 0/0, ±Inf) count as unknown. Limits of 0 mean none.
 */
export function buildPanelModel(frames: DataFrame[], opts: BuildOptions): PanelModel {
  const b = new Builder(opts.refIdRoles ?? {}, opts.cpusetAsCpuLimit ?? false);
  for (const frame of frames ?? []) {
    b.readFrame(frame);
  }
  return b.build();
}
