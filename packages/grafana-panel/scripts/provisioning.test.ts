/**
 * What can be checked of the Docker Compose stack without Docker (this project's machines cannot pull its
 * images): the generated dashboards against their generators, the data source they name, the Prometheus
 * config (through Debian's promtool), and docker-compose.yml's structure and mounts against the plugin
 * (what each dashboard holds is checked by scripts/dashboards/dashboards.test.ts). The stack itself runs in packages/grafana-panel/tests (Playwright, CI with Docker).
 * (jest's jsdom environment, as the package's other tests: its setup file needs the DOM; node APIs work.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

import { DIST_DIR } from '../.config/bundler/constants';
import plugin from '../src/plugin.json';
import packageJson from '../package.json';
import { DATASOURCE, DASHBOARDS_DIR, REPO_ROOT } from './dashboards/common';
import { DASHBOARDS, dashboardJson } from './dashboards';

const PANEL_DIR = path.resolve(__dirname, '..');
const at = (...parts: string[]) => path.join(REPO_ROOT, ...parts);
const COMPOSE_FILE = at('docker-compose.yml');
const PROMETHEUS_FILE = at('provisioning', 'prometheus', 'prometheus.yml');
const DATASOURCES_FILE = at('provisioning', 'grafana', 'datasources', 'prometheus.yml');
const DASHBOARDS_PROVIDER_FILE = at('provisioning', 'grafana', 'dashboards', 'dashboards.yml');
/** isoscope-exporter's default --web.listen-address port (README "Flags"). */
const EXPORTER_PORT = 9820;

// ---------------------------------------------------------------------------------------------- helpers

type Json = any; // parsed YAML/JSON, read by the tests below

/** Parses YAML strictly: a syntax error or a duplicate key fails the test with the parser's message. */
function readYaml(file: string): Json {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new Error(`${path.relative(REPO_ROOT, file)}: ${doc.errors.map((e) => e.message).join('\n')}`);
  }
  return doc.toJS();
}

const readJson = (file: string): Json => JSON.parse(fs.readFileSync(file, 'utf8'));

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Compose short-syntax volumes `src:dst[:ro]` (and the long syntax) → mounts; sources resolved from the repo root. */
function mountsOf(service: Json): Mount[] {
  return (service.volumes ?? []).map((v: Json): Mount => {
    if (typeof v === 'string') {
      const [source, target, mode = 'rw'] = v.split(':');
      return { source: resolveSource(source), target, readOnly: mode.split(',').includes('ro') };
    }
    return { source: resolveSource(v.source), target: v.target, readOnly: v.read_only === true };
  });
}

function resolveSource(source: string): string {
  return source.startsWith('.') ? path.resolve(REPO_ROOT, source) : source;
}

/** The compose environment, whether written as a map or as a `KEY=value` list. */
function environmentOf(service: Json): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e: string) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

/** Host path of a container path in a service, through its bind mounts (longest target first). */
function hostPathOf(service: Json, containerPath: string): string | undefined {
  const mount = mountsOf(service)
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && path.join(mount.source, path.relative(mount.target, containerPath));
}

function commandOf(service: Json): string[] {
  const c = service.command ?? [];
  return Array.isArray(c) ? c.map(String) : String(c).split(/\s+/);
}

// ---------------------------------------------------------------------------------------------- files

const compose = readYaml(COMPOSE_FILE);
const datasources = readYaml(DATASOURCES_FILE);
const prometheus = readYaml(PROMETHEUS_FILE);

// ---------------------------------------------------------------------------------------------- tests

describe('the provisioned dashboards (provisioning/grafana/dashboards/*.json)', () => {
  it.each(Object.entries(DASHBOARDS))(
    '%s is exactly what scripts/dashboards generates (run `npm run dashboards`)',
    (_, d) => {
      expect(fs.readFileSync(d.file, 'utf8')).toBe(dashboardJson(d));
    }
  );

  it('are every JSON file of the folder, each with its own uid', () => {
    const files = fs.readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(
      Object.values(DASHBOARDS)
        .map((d) => path.basename(d.file))
        .sort()
    );
    const uids = files.map((f) => readJson(path.join(DASHBOARDS_DIR, f)).uid);
    expect(new Set(uids).size).toBe(files.length);
  });

  it('refer only to the provisioned data source, by uid and type', () => {
    const provisioned = new Map(datasources.datasources.map((d: Json) => [d.uid, d.type]));
    for (const d of Object.values(DASHBOARDS)) {
      const json = readJson(d.file);
      const panels: Json[] = (json.panels ?? []).flatMap((p: Json) => [p, ...(p.panels ?? [])]);
      const refs: Json[] = [
        ...json.templating.list.map((v: Json) => v.datasource),
        ...panels
          .filter((p) => p.type !== 'row')
          .flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t: Json) => t.datasource)]),
      ];
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) {
        expect(ref).toEqual(DATASOURCE);
        expect(provisioned.get(ref.uid)).toBe(ref.type);
      }
    }
  });
});

describe('Grafana provisioning', () => {
  it('has one default Prometheus data source, uid prometheus, at the compose Prometheus', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    const [ds] = datasources.datasources;
    expect(ds).toMatchObject({ uid: DATASOURCE.uid, type: 'prometheus', isDefault: true });
    const url = new URL(ds.url);
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(url.hostname).toBe('prometheus');
    expect(url.port).toBe('9090');
  });

  it("sets the data source's minimum interval to Prometheus' scrape interval ($__rate_interval builds on it)", () => {
    expect(datasources.datasources[0].jsonData.timeInterval).toBe(prometheus.global.scrape_interval);
  });

  it('loads the dashboard folder Grafana sees through the compose mount', () => {
    const providers = readYaml(DASHBOARDS_PROVIDER_FILE).providers;
    expect(providers).toHaveLength(1);
    expect(providers[0].type).toBe('file');
    const hostDir = hostPathOf(compose.services.grafana, providers[0].options.path);
    expect(hostDir).toBe(DASHBOARDS_DIR);
    for (const d of Object.values(DASHBOARDS)) {
      expect(path.dirname(d.file)).toBe(hostDir);
    }
  });
});

describe('Prometheus config (provisioning/prometheus/prometheus.yml)', () => {
  it('passes `promtool check config` (Debian package prometheus, installed by .ci/run)', () => {
    const run = spawnSync('promtool', ['check', 'config', PROMETHEUS_FILE], { encoding: 'utf8' });
    if (run.error) {
      throw new Error(`promtool could not be started (${run.error.message}): install Debian's prometheus package`);
    }
    expect({ status: run.status, output: `${run.stdout}${run.stderr}` }).toMatchObject({ status: 0 });
  });

  it('scrapes the compose exporter on its port every 15 s', () => {
    const jobs: Json[] = prometheus.scrape_configs;
    const targets: string[] = jobs.flatMap((j) => (j.static_configs ?? []).flatMap((s: Json) => s.targets));
    expect(targets).toEqual([`exporter:${EXPORTER_PORT}`]);
    const job = jobs.find((j) => (j.static_configs ?? []).some((s: Json) => s.targets.includes(targets[0])));
    expect(job.scrape_interval ?? prometheus.global.scrape_interval).toBe('15s');
    expect(compose.services.exporter.expose.map(String)).toContain(String(EXPORTER_PORT));
  });
});

describe('docker-compose.yml', () => {
  const { exporter, grafana } = compose.services;
  const prom = compose.services.prometheus;

  const always = () => Object.entries(compose.services as Record<string, Json>).filter(([, s]) => !s.profiles);
  const demo = () =>
    Object.entries(compose.services as Record<string, Json>).filter(([, s]) => s.profiles?.includes('demo'));

  it('parses as YAML and has the three services, each with a healthcheck, the rest in the demo profile', () => {
    expect(
      always()
        .map(([name]) => name)
        .sort()
    ).toEqual(['exporter', 'grafana', 'prometheus']);
    for (const [, service] of always()) {
      expect(service.healthcheck?.test).toBeDefined();
    }
    expect(always().length + demo().length).toBe(Object.keys(compose.services).length);
  });

  it('passes `docker-compose config` (Debian package docker-compose, installed by .ci/run), demo profile too', () => {
    for (const args of [
      ['config', '-q'],
      ['--profile', 'demo', 'config', '--services'],
    ]) {
      const run = spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
      if (run.error) {
        throw new Error(`docker-compose could not be started (${run.error.message}): install Debian's docker-compose`);
      }
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
      if (args.includes('--services')) {
        expect(run.stdout.trim().split('\n').sort()).toEqual(Object.keys(compose.services).sort());
      }
    }
  });

  it('the demo profile shows every isolation state: private with limits, a peer, host net and PID, no seccomp', () => {
    const d = Object.fromEntries(demo());
    const services = Object.values(d);
    expect(services.some((s) => s.mem_limit && s.cpus && s.pids_limit)).toBe(true);
    expect(services.some((s) => /^service:/.test(s.network_mode ?? ''))).toBe(true);
    expect(services.some((s) => s.network_mode === 'host')).toBe(true);
    expect(services.some((s) => s.pid === 'host')).toBe(true);
    expect(services.some((s) => (s.security_opt ?? []).includes('seccomp:unconfined'))).toBe(true);
    for (const s of services) {
      expect(s.privileged).toBeUndefined();
    }
  });

  it('says at the top how to start it and that it needs Docker Hub', () => {
    const head = fs.readFileSync(COMPOSE_FILE, 'utf8').split('\n').slice(0, 20).join('\n');
    expect(head).toContain('npm ci && npm run build && docker compose up -d');
    expect(head).toContain('Docker Hub');
  });

  it('builds the exporter from the repository root with its Dockerfile', () => {
    expect(path.resolve(REPO_ROOT, exporter.build.context)).toBe(REPO_ROOT);
    expect(fs.existsSync(path.resolve(REPO_ROOT, exporter.build.context, exporter.build.dockerfile))).toBe(true);
    expect(exporter.build.dockerfile).toBe('packages/exporter/Dockerfile');
  });

  it('runs the exporter as the README\'s "Running in Docker" says', () => {
    expect(exporter.pid).toBe('host');
    expect(exporter.cap_drop).toEqual(['ALL']);
    expect(exporter.cap_add).toEqual(['SYS_PTRACE']);
    expect(exporter.security_opt).toEqual(['no-new-privileges:true']);
    expect(exporter.read_only).toBe(true);
    expect(exporter.privileged).toBeUndefined();
    expect(exporter.user).toBeUndefined();
    expect(mountsOf(exporter)).toEqual([
      { source: '/proc', target: '/host/proc', readOnly: true },
      { source: '/sys', target: '/host/sys', readOnly: true },
      { source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: true },
    ]);
    expect(commandOf(exporter)).toEqual(expect.arrayContaining(['--path.procfs=/host/proc', '--path.sysfs=/host/sys']));
  });

  it('pins every pulled image to a version', () => {
    expect(prom.image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/);
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    for (const [, s] of demo()) {
      expect(s.image).toMatch(/^busybox:\d+\.\d+\.\d+$/);
    }
  });

  it("runs the Grafana 13.2.x the panel's @grafana packages are pinned to", () => {
    const [major, minor] = packageJson.dependencies['@grafana/data'].split('.');
    expect(`${major}.${minor}`).toBe('13.2');
    expect(grafana.image).toMatch(new RegExp(`^grafana/grafana:${major}\\.${minor}\\.\\d+$`));
  });

  it("mounts the panel's build output read-only at /var/lib/grafana/plugins/<plugin id>, and allows it unsigned", () => {
    const pluginMounts = mountsOf(grafana).filter((m) => m.target.startsWith('/var/lib/grafana/plugins'));
    expect(pluginMounts).toEqual([
      { source: path.join(PANEL_DIR, DIST_DIR), target: `/var/lib/grafana/plugins/${plugin.id}`, readOnly: true },
    ]);
    expect(environmentOf(grafana).GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(plugin.id);
  });

  it('mounts Grafana provisioning and the Prometheus config where the images read them', () => {
    expect(hostPathOf(grafana, '/etc/grafana/provisioning/datasources/prometheus.yml')).toBe(DATASOURCES_FILE);
    expect(mountsOf(grafana).every((m) => m.readOnly)).toBe(true);
    expect(commandOf(prom)).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(hostPathOf(prom, '/etc/prometheus/prometheus.yml')).toBe(PROMETHEUS_FILE);
  });

  it("mounts the rules where the Prometheus config's rule_files looks for them", () => {
    expect(prometheus.rule_files).toEqual(['rules/*.yml']);
    expect(hostPathOf(prom, '/etc/prometheus/rules')).toBe(at('provisioning', 'prometheus', 'rules'));
    expect(mountsOf(prom).find((m) => m.target === '/etc/prometheus/rules')?.readOnly).toBe(true);
  });

  it('makes the home dashboard the provisioned isolation dashboard', () => {
    const home = environmentOf(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    expect(hostPathOf(grafana, home)).toBe(DASHBOARDS.isolation.file);
  });

  it('starts Prometheus after a healthy exporter and Grafana after a healthy Prometheus', () => {
    expect(prom.depends_on).toEqual({ exporter: { condition: 'service_healthy' } });
    expect(grafana.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
  });
});
