import type { MetricFamily } from '@isoscope/shared';
import type { Target } from './target';

/**
 * One value of one series: a container's (its labels plus `extra`) or a host-wide one (`labels`). The
 * container's labels are not copied into every sample: a scrape emits thousands.
 */
export interface Sample {
  family: MetricFamily;
  value: number;
  /** The container it belongs to; its samples are dropped if it vanished during the scrape. */
  target?: Target;
  /** The family's own labels on a container series (ns_type, device, …). */
  extra?: Record<string, string>;
  /** All labels of a series that belongs to no container. */
  labels?: Record<string, string>;
}

/**
 * A scrape's samples, column by column. Served scrapes reuse one buffer: objects that live through a whole
 * scrape outlive V8's young generation, so a fresh object (and a boxed number) per sample was promoted and
 * grew the old generation every scrape (docs/benchmarks.md, "Why the code is shaped this way"). Columns that
 * stay from scrape to scrape, with the values unboxed in a Float64Array, allocate nothing per sample.
 * `toSamples` gives objects of their own.
 */
export class SampleBuffer {
  readonly families: MetricFamily[] = [];
  readonly targets: Array<Target | undefined> = [];
  readonly extras: Array<Record<string, string> | undefined> = [];
  readonly labels: Array<Record<string, string> | undefined> = [];
  values = new Float64Array(1024);
  /** Samples 0 … length-1 are this scrape's; entries beyond are left from earlier scrapes. */
  length = 0;

  static of(samples: readonly Sample[]): SampleBuffer {
    const buffer = new SampleBuffer();
    for (const s of samples) buffer.push(s.family, s.value, s.target, s.extra, s.labels);
    return buffer;
  }

  push(
    family: MetricFamily,
    value: number,
    target?: Target,
    extra?: Record<string, string>,
    labels?: Record<string, string>
  ): void {
    const i = this.length++;
    if (i === this.values.length) {
      const bigger = new Float64Array(i * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.families[i] = family;
    this.values[i] = value;
    this.targets[i] = target;
    this.extras[i] = extra;
    this.labels[i] = labels;
  }

  /** Start again for the next scrape. */
  clear(): void {
    this.length = 0;
  }

  /** Samples 0 … length-1 as objects of their own. */
  toSamples(): Sample[] {
    const out: Sample[] = [];
    for (let i = 0; i < this.length; i++) {
      const s: Sample = { family: this.families[i], value: this.values[i] };
      if (this.targets[i]) s.target = this.targets[i];
      if (this.extras[i]) s.extra = this.extras[i];
      if (this.labels[i]) s.labels = this.labels[i];
      out.push(s);
    }
    return out;
  }
}

/** Every label of a sample, container labels first. */
export function sampleLabels(s: Sample): Record<string, string> {
  if (s.target) return s.extra ? { ...s.target.labels, ...s.extra } : s.target.labels;
  return s.labels ?? {};
}
