/**
 * Debian's Prometheus on loopback, scraping one target (the exporter) every second, with bounded start and
 * stop, and its HTTP API. One job (or the jobs given), rules if given but no Alertmanager, no remote write, no
 * self-scrape: the only traffic is to the exporter on loopback. Used by the exporter's live test and the panel's browser test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { freeLoopbackPort, terminate } from './wait';

export const PROMETHEUS = '/usr/bin/prometheus';

export interface Prometheus {
  url: string;
  log(): string;
  exited(): boolean;
  /** GET /api/v1/<path>: the answer's `data`; rejects unless status is success. */
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * `onlyContainers`: full container ids whose series to keep (plus every series without an `id` label, e.g.
 * the exporter's own). The exporter reports every container on the machine, and other test runs may have
 * engines of their own up; dropping theirs at scrape time keeps the panel's rows to this test's containers.
 */
export async function startPrometheus(
  targetPort: number,
  onlyContainers?: string[],
  /** YAML lines of `scrape_configs` in place of the one plain job (e.g. jobs with TLS and basic auth). */
  scrapeConfigs?: string[],
  /** Rule files to load (absolute paths), evaluated every second like the scrapes. */
  ruleFiles: string[] = []
): Promise<Prometheus> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'isoscope-e2e-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await fsp.writeFile(
    configFile,
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      ...(ruleFiles.length > 0 ? ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      ...(scrapeConfigs ?? [
        '  - job_name: isoscope',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${targetPort}']`,
        ...(onlyContainers
          ? [
              '    metric_relabel_configs:',
              '      - source_labels: [id]',
              '        action: keep',
              `        regex: '|.*(${onlyContainers.join('|')}).*'`,
            ]
          : []),
      ]),
      '',
    ].join('\n')
  );
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  let gone = false;
  let child: ChildProcess;
  try {
    child = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    );
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
  const keep = (d: Buffer) => (log = (log + String(d)).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      keep(Buffer.from(`spawn error: ${err.message}\n`));
      resolve();
    });
  }).then(() => {
    gone = true;
  });

  return {
    url,
    log: () => log,
    exited: () => gone,
    async api<T = unknown>(pathAndQuery: string): Promise<T> {
      const res = await fetch(`${url}/api/v1/${pathAndQuery}`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { status: string; error?: string; data?: T };
      if (body.status !== 'success' || !body.data) {
        throw new Error(`prometheus ${pathAndQuery}: ${body.error ?? res.status}`);
      }
      return body.data;
    },
    async stop(): Promise<void> {
      if (!gone && child.pid !== undefined) await terminate(child, exited, 15_000);
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}
