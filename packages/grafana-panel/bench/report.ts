/**
 * The benchmark's report: a table per kind of figure, the verdicts against the issue's targets, and the
 * results block of docs/benchmarks.md between the panel-bench:results markers (the rest of the file is
 * kept; without the markers the block is appended under "The panel").
 */
import fsp from 'node:fs/promises';

import type { BenchOptions } from './options';

export const BEGIN =
  '<!-- panel-bench:results:begin (written by `npm run bench` in packages/grafana-panel; edit outside these markers) -->';
export const END = '<!-- panel-bench:results:end -->';

/** The issue's targets at 2,000 containers. */
const FIRST_PAINT_TARGET_MS = 300;
const FRAME_TARGET_MS = 17;

export interface Machine {
  nproc: number;
  model: string;
  memory: string;
  kernel: string;
  node: string;
  chromium: string;
  date: string;
  /** Load averages (1, 5, 15 min) at the start and at the end: other work on the machine. */
  load: string;
  loadAfter?: string;
}

/** Medians over the repeats of one kind of change (ms). */
export interface ChangeFigures {
  /** From the change to the paint that shows it. */
  toPaint: number;
  /** From the panel's first render start to that paint (excludes the host's steps before it). */
  panelToPaint: number;
  /** The panel's renders through commit, as the host's wrapper saw them. */
  panelRender: number;
  /** applyFieldOverrides during the change (the host's, i.e. Grafana's). */
  overrides: number;
  /** The longest long task meanwhile (0: none over 50 ms). */
  longestTask: number;
  /** The renderer main thread's CPU time for the change, and its script and layout/style time. */
  cpu: number;
  script: number;
  layout: number;
}

/** Deltas of CDP's Performance metrics over a change (ms). */
export interface Cpu {
  thread: number;
  script: number;
  layout: number;
  style: number;
}

export interface SizeResult {
  n: number;
  /** Node: the fleet's Prometheus answers into /api/ds/query frames (the harness, not Grafana). */
  nodeMs: number;
  /** Page: toDataQueryResponse, and the Prometheus data source's transform (Grafana's work). */
  decodeMs: number;
  transformMs: number;
  firstPaint: ChangeFigures;
  refresh: ChangeFigures;
  sort: ChangeFigures;
  filter: ChangeFigures;
  clear: ChangeFigures;
  /** What the count said with the filter applied. */
  filterShown: string;
  scroll: {
    frames: number;
    p50: number;
    p95: number;
    max: number;
    over17: number;
    longTasks: number;
    /** Main-thread CPU time per frame while scrolling, and its script and style+layout parts. */
    cpuPerFrame: number;
    scriptPerFrame: number;
    layoutPerFrame: number;
    /** The same scroll over a still copy of the drawn rows (no React, no windowing): the browser's own cost. */
    stillP50: number;
    stillP95: number;
    stillCpuPerFrame: number;
    /** Frame times of the idle page just before: the machine's floor. */
    idleP50: number;
    idleP95: number;
  };
  /** JS heap used with the panel mounted (Grafana's data included), and the panel's part of it. */
  heapMiB: number;
  panelHeapMiB: number;
  /** CDP's Nodes (every DOM node the renderer holds), the document's elements and the panel's. */
  nodes: number;
  domDocument: number;
  domPanel: number;
}

const ms = (x: number) => (Number.isFinite(x) ? (x < 10 ? x.toFixed(1) : x.toFixed(0)) : '–');

function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---:').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function verdicts(results: SizeResult[]): Array<{ target: string; met: boolean; detail: string }> {
  const largest = results[results.length - 1];
  if (!largest) {
    return [];
  }
  const fp = largest.firstPaint;
  const sc = largest.scroll;
  return [
    {
      target: `the panel's own work to first paint ≤ ${FIRST_PAINT_TARGET_MS} ms (N=${largest.n})`,
      met: fp.panelToPaint <= FIRST_PAINT_TARGET_MS,
      detail:
        `${ms(fp.panelToPaint)} ms wall clock from the panel's render start to the first paint with rows, ` +
        `${ms(fp.cpu)} ms of main-thread CPU (Grafana's steps before it, not counted: applyFieldOverrides ` +
        `${ms(fp.overrides)} ms, the data source's transform ${ms(largest.transformMs)} ms, decoding ${ms(largest.decodeMs)} ms)`,
    },
    {
      target: `scrolling at 60 fps: p95 frame ≤ ${FRAME_TARGET_MS} ms (N=${largest.n})`,
      met: sc.p95 <= FRAME_TARGET_MS,
      detail:
        `p50 ${ms(sc.p50)} ms, p95 ${ms(sc.p95)} ms, max ${ms(sc.max)} ms; ${sc.over17} of ${sc.frames} frames over ` +
        `17 ms; ${ms(sc.cpuPerFrame)} ms main-thread CPU per frame; the same scroll over a still copy of the ` +
        `rows: p50 ${ms(sc.stillP50)}, p95 ${ms(sc.stillP95)} ms, ${ms(sc.stillCpuPerFrame)} ms CPU per frame; ` +
        `the idle page's frames on this machine: p50 ${ms(sc.idleP50)}, p95 ${ms(sc.idleP95)} ms`,
    },
  ];
}

export function report(results: SizeResult[], m: Machine, opts: BenchOptions): { terminal: string; block: string } {
  const cell = (c: ChangeFigures) => `${ms(c.panelToPaint)} (${ms(c.cpu)})`;
  const changes = markdownTable(
    [
      'N',
      'first paint',
      'refresh',
      'sort',
      'filter',
      'clear filter',
      'first paint: script / layout+style CPU',
      'longest task (paint / refresh / sort / filter)',
      'Grafana: overrides at mount / refresh',
      'Grafana: transform, decode',
    ],
    results.map((r) => [
      r.n,
      cell(r.firstPaint),
      cell(r.refresh),
      cell(r.sort),
      cell(r.filter),
      cell(r.clear),
      `${ms(r.firstPaint.script)} / ${ms(r.firstPaint.layout)}`,
      [r.firstPaint, r.refresh, r.sort, r.filter].map((c) => ms(c.longestTask)).join(' / '),
      `${ms(r.firstPaint.overrides)} / ${ms(r.refresh.overrides)}`,
      `${ms(r.transformMs)}, ${ms(r.decodeMs)}`,
    ])
  );
  const rest = markdownTable(
    [
      'N',
      'scroll frames',
      'frame p50',
      'frame p95',
      'frame max',
      'frames > 17 ms',
      'long tasks',
      'CPU per frame (script / layout+style)',
      'still copy: p50 / p95 (CPU per frame)',
      'idle page p50 / p95',
      "JS heap MiB (panel's)",
      'DOM: panel elements',
      'DOM: renderer nodes',
    ],
    results.map((r) => [
      r.n,
      r.scroll.frames,
      ms(r.scroll.p50),
      ms(r.scroll.p95),
      ms(r.scroll.max),
      r.scroll.over17,
      r.scroll.longTasks,
      `${ms(r.scroll.cpuPerFrame)} (${ms(r.scroll.scriptPerFrame)} / ${ms(r.scroll.layoutPerFrame)})`,
      `${ms(r.scroll.stillP50)} / ${ms(r.scroll.stillP95)} (${ms(r.scroll.stillCpuPerFrame)})`,
      `${ms(r.scroll.idleP50)} / ${ms(r.scroll.idleP95)}`,
      `${r.heapMiB.toFixed(1)} (${r.panelHeapMiB.toFixed(1)})`,
      r.domPanel,
      r.nodes,
    ])
  );
  const judged = verdicts(results);
  const verdictTable = markdownTable(
    ['target', 'met?', 'numbers'],
    judged.map((v) => [v.target, v.met ? 'yes' : '**no**', v.detail])
  );
  const machineLine =
    `Machine: ${m.nproc} CPUs (${m.model}), ${m.memory} RAM, kernel ${m.kernel}, Chromium ${m.chromium} (Debian's, ` +
    `headless, software rendering), bench on Node ${m.node}; load average ${m.load} at the start, ` +
    `${m.loadAfter ?? '?'} at the end.`;
  const legend =
    "Changes: ms from the change to the paint that shows it (first paint and refresh: from the panel's render " +
    "start), in brackets the renderer main thread's CPU ms for it. Scroll and idle figures: ms between frames.";
  const block = [
    `Run of ${m.date} (\`npm run bench\`${opts.given.length ? ` with \`${opts.given.join(' ')}\`` : ''}), medians of ${opts.repeat} repeats per change.`,
    '',
    machineLine,
    '',
    legend,
    '',
    changes,
    '',
    rest,
    '',
    verdictTable,
  ].join('\n');
  const terminal = [machineLine, '', legend, '', changes, '', rest, '', verdictTable].join('\n');
  return { terminal, block };
}

export async function writeDocs(file: string, block: string): Promise<void> {
  let text = await fsp.readFile(file, 'utf8').catch(() => '# Benchmarks\n');
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  text =
    a >= 0 && b > a
      ? `${text.slice(0, a + BEGIN.length)}\n${block}\n${text.slice(b)}`
      : `${text.trimEnd()}\n\n## The panel\n\n${BEGIN}\n${block}\n${END}\n`;
  await fsp.writeFile(file, text);
}
