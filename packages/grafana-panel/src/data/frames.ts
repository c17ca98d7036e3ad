/**
 * Frames → PanelModel: one pass over every series / table row, joined by container (instance + cgroup id),
 * then one pass per container to derive the view. See FRAMES.md for the frame shapes this reads.
 */
import { FieldType, type DataFrame, type Field, type FieldConfig, type Labels } from '@grafana/data';
import { NAMESPACE_TYPES, type NamespaceType } from '@isoscope/shared';

import { isRoleKey } from './refIdRoles';
import { ROLE_BY_METRIC, type RoleKey } from './roles';
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
const NS_ROLES: ReadonlySet<RoleKey> = new Set<RoleKey>(['nsInode', 'nsHost', 'nsSharers']);
const NS_TYPES: ReadonlySet<string> = new Set<string>(NAMESPACE_TYPES);
/** Labels read from a series or row; the rest are ignored. */
const WANTED_LABELS = ['__name__', 'instance', 'id', 'name', 'image', 'namespace', 'pod', 'container', 'ns_type'];
const TABLE_VALUE_NAME = /^Value #(.+)$/;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

interface Sample {
  v: number;
  /** Sample time in ms; -Infinity when the frame has no time field. */
  t: number;
}

interface Acc {
  key: string;
  instance: string;
  id: string;
  name?: string;
  image?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  values: Partial<Record<RoleKey, Sample>>;
  ns: Partial<Record<NamespaceType, Partial<Record<NsRole, Sample>>>>;
  config: Partial<Record<RoleKey, FieldConfig>>;
}

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

function finite(s: Sample | undefined): number | undefined {
  return s !== undefined && Number.isFinite(s.v) ? s.v : undefined;
}

function flag(s: Sample | undefined): boolean | undefined {
  const v = finite(s);
  return v === undefined ? undefined : v !== 0;
}

function positive(v: number | undefined): number | undefined {
  return v !== undefined && v > 0 ? v : undefined;
}

/** The later sample wins; on equal times the one already held. Whether it was kept. */
function put<K extends string>(slot: Partial<Record<K, Sample>>, role: K, v: number, t: number): boolean {
  const held = slot[role];
  if (held === undefined || t > held.t) {
    slot[role] = { v, t };
    return true;
  }
  return false;
}

function executedExpr(frame: DataFrame): string | undefined {
  const s = frame.meta?.executedQueryString;
  if (!s || !s.startsWith('Expr: ')) {
    return undefined;
  }
  const step = s.lastIndexOf('\nStep: ');
  return s.slice('Expr: '.length, step > 0 ? step : undefined).trim() || undefined;
}

class Builder {
  private readonly accs = new Map<string, Acc>();
  /** The same containers by instance, then id: no key string to build per sample (74,000 at 2,000 containers). */
  private readonly byInstance = new Map<string, Map<string, Acc>>();
  private readonly present = new Set<RoleKey>();
  private readonly problems = new Map<string, Problems>();

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

  readFrame(frame: DataFrame): void {
    const refId = frame.refId ?? '';
    const expr = executedExpr(frame);
    if (expr !== undefined) {
      this.problemsOf(refId).expr = expr;
    }
    if (frame.fields.length === 0 || frame.length === 0) {
      return; // "no data" frame
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
      const values = f.values;
      let i = values.length - 1;
      while (i >= 0 && values[i] == null) {
        i--;
      }
      if (i < 0) {
        continue;
      }
      const t = timeField ? Number(timeField.values[i]) : -Infinity;
      this.ingest(refId, f.labels ?? {}, ROLE_BY_METRIC.has(f.name) ? f.name : undefined, Number(values[i]), t, f);
    }
  }

  /**
   * String fields are labels per row; each number field is a value column ("Value #<refId>" names its
   * refId). One labels object per column, refilled row by row: ingest() reads it and keeps only strings.
   */
  private readTable(refId: string, strings: Field[], numbers: Field[], timeField: Field | undefined): void {
    const columns: Array<[string, unknown[]]> = [];
    for (const name of WANTED_LABELS) {
      const f = strings.find((s) => s.name === name);
      if (f) {
        columns.push([name, f.values]);
      }
    }
    for (const f of numbers) {
      const m = TABLE_VALUE_NAME.exec(f.name);
      const columnRefId = m ? m[1] : refId;
      const fallbackMetric = ROLE_BY_METRIC.has(f.name) ? f.name : undefined;
      const base: Labels = f.labels && Object.keys(f.labels).length > 0 ? f.labels : {};
      const labels: Labels = { ...base };
      const values = f.values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v == null) {
          continue;
        }
        for (const [name, col] of columns) {
          const s = col[i];
          labels[name] = typeof s === 'string' && s !== '' ? s : base[name];
        }
        const t = timeField ? Number(timeField.values[i]) : -Infinity;
        this.ingest(columnRefId, labels, fallbackMetric, Number(v), t, f);
      }
    }
  }

  private ingest(
    refId: string,
    labels: Labels,
    fallbackMetric: string | undefined,
    v: number,
    t: number,
    field: Field
  ): void {
    const metric = labels.__name__ || fallbackMetric;
    const role = this.roleOf(refId, metric);
    if (!role) {
      const p = this.problemsOf(refId);
      if (metric) {
        p.unknownMetrics.set(metric, (p.unknownMetrics.get(metric) ?? 0) + 1);
      } else {
        p.noRole++;
      }
      return;
    }
    const id = labels.id;
    if (!id) {
      const p = this.problemsOf(refId);
      p.noId++;
      p.noIdRoles.add(role);
      return;
    }
    // The machine's own series (the root cgroup, cAdvisor's id="/"): no container, so no row.
    if (id === MACHINE_ID) {
      return;
    }
    let nsType: NamespaceType | undefined;
    if (NS_ROLES.has(role)) {
      const ns = labels.ns_type;
      if (!ns || !NS_TYPES.has(ns)) {
        this.problemsOf(refId).noNsType++;
        return;
      }
      nsType = ns as NamespaceType;
    }
    const instance = labels.instance ?? '';
    let ofInstance = this.byInstance.get(instance);
    if (!ofInstance) {
      ofInstance = new Map();
      this.byInstance.set(instance, ofInstance);
    }
    let acc = ofInstance.get(id);
    if (!acc) {
      const key = containerKey(instance, id);
      acc = { key, instance, id, values: {}, ns: {}, config: {} };
      ofInstance.set(id, acc);
      this.accs.set(key, acc);
    }
    if (acc.name === undefined && labels.name) {
      acc.name = labels.name;
    }
    if (acc.image === undefined && labels.image) {
      acc.image = labels.image;
    }
    if (acc.namespace === undefined && labels.namespace) {
      acc.namespace = labels.namespace;
    }
    if (acc.pod === undefined && labels.pod) {
      acc.pod = labels.pod;
    }
    if (acc.container === undefined && labels.container) {
      acc.container = labels.container;
    }
    if (nsType) {
      put((acc.ns[nsType] ??= {}), role as NsRole, v, t);
    } else if (put(acc.values, role, v, t)) {
      // the field the kept sample came from: its config is the role's, overrides applied (Grafana applies
      // them to data.series before the panel gets it)
      acc.config[role] = field.config;
    }
    this.present.add(role);
  }

  build(): PanelModel {
    const containers: ContainerView[] = [];
    /** instance → per namespace type (NAMESPACE_TYPES order) → inode → the cells in that namespace. */
    const byHost = new Map<string, Array<Map<number, Array<{ view: ContainerView; cell: NamespaceCell }>>>>();

    for (const acc of this.accs.values()) {
      const view = toView(acc, this.cpusetAsLimit);
      containers.push(view);
      let perType = byHost.get(view.instance);
      if (!perType) {
        perType = NAMESPACE_TYPES.map(() => new Map());
        byHost.set(view.instance, perType);
      }
      view.namespaces.forEach((cell, type) => {
        if (cell.inode !== undefined) {
          let members = perType[type].get(cell.inode);
          if (!members) {
            members = [];
            perType[type].set(cell.inode, members);
          }
          members.push({ view, cell });
        }
      });
    }

    for (const perType of byHost.values()) {
      for (const byInode of perType) {
        for (const members of byInode.values()) {
          if (members.length > 1) {
            members.sort(
              (a, b) => collator.compare(a.view.name, b.view.name) || compareStrings(a.view.key, b.view.key)
            );
          }
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

    for (const view of containers) {
      for (const cell of view.namespaces) {
        cell.state = stateOf(cell, this.nsHostOf(view, cell.type));
      }
    }

    const rows = containers.filter((c) => c.container !== POD_SANDBOX);
    rows.sort(
      (a, b) =>
        collator.compare(a.instance, b.instance) || collator.compare(a.name, b.name) || compareStrings(a.key, b.key)
    );
    return { containers: rows, present: new Set(this.present), unrecognised: this.describeProblems() };
  }

  private nsHostOf(view: ContainerView, type: NamespaceType): boolean | undefined {
    return flag(this.accs.get(view.key)?.ns[type]?.nsHost);
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
  const r = acc.values;
  const val = (k: RoleKey) => finite(r[k]);

  const namespaces: NamespaceCell[] = NAMESPACE_TYPES.map((type) => {
    const slot = acc.ns[type];
    return {
      type,
      state: 'unknown',
      inode: finite(slot?.nsInode),
      sharers: finite(slot?.nsSharers),
      sharedWith: [],
    };
  });

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
      noNewPrivs: flag(r.noNewPrivs),
      capabilities: val('capabilities'),
      privileged: flag(r.privileged),
      rootMappedToHost: flag(r.rootMapped),
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
