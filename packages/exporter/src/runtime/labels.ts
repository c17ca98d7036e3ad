import { runtimeLabelName } from '@isoscope/shared';

/** Series labels made of runtime labels: `container_label_<sanitised key>` → the label's value. */
export type RuntimeLabelSet = Readonly<Record<string, string>>;

/**
 * The runtime labels a container's series carry (`--runtime.labels`): only the keys of the allow-list, each
 * under the name cAdvisor gives it (packages/shared `runtimeLabelName`), with the value as the runtime gives
 * it. The sources pick them when they map a runtime's answer, so the cache holds these few labels and not
 * every label of every container, and a scrape copies them as they are.
 */
export class RuntimeLabels {
  /** [runtime key, series label name], in the allow-list's order. */
  private readonly names: ReadonlyArray<readonly [string, string]>;

  /** `keys` must be distinct and sanitise to distinct names (parseRuntimeLabels in flags.ts checks it). */
  constructor(readonly keys: readonly string[]) {
    this.names = keys.map((k) => [k, runtimeLabelName(k)] as const);
  }

  /**
   * The allow-listed labels among a runtime's `labels` (a JSON object, or anything else: no labels), or
   * undefined when there are none. An empty value is no label, as an empty label is none to Prometheus.
   */
  pick(labels: unknown): RuntimeLabelSet | undefined {
    if (this.names.length === 0 || labels === null || typeof labels !== 'object') return undefined;
    let out: Record<string, string> | undefined;
    for (const [key, name] of this.names) {
      if (!Object.hasOwn(labels, key)) continue;
      const value = (labels as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') (out ??= {})[name] = value;
    }
    return out;
  }

  /**
   * Picked sets as one, a later set's value winning (a pod's labels, then its container's own), in the
   * allow-list's order; undefined when none has a label.
   */
  merge(...sets: ReadonlyArray<RuntimeLabelSet | undefined>): RuntimeLabelSet | undefined {
    let out: Record<string, string> | undefined;
    for (const [, name] of this.names) {
      let value: string | undefined;
      for (const set of sets) if (set && Object.hasOwn(set, name)) value = set[name];
      if (value !== undefined) (out ??= {})[name] = value;
    }
    return out;
  }
}

/** No runtime labels at all (a source made without an allow-list, or `--runtime.labels=`). */
export const NO_RUNTIME_LABELS = new RuntimeLabels([]);
