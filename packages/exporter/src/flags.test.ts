import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTORS } from '@isoscope/shared';
import { wantReadAhead } from './app';
import { helpText, parseArgs, parseListenAddress, parseRuntimeLabels, UsageError } from './flags';

function run(...argv: string[]) {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`expected run, got ${parsed.kind}`);
  return parsed.options;
}

describe('flags', () => {
  it('defaults to every collector and node_exporter-style paths', () => {
    const o = run();
    expect([...o.collectors].sort()).toEqual([...COLLECTORS].sort());
    expect(o).toMatchObject({
      listenAddress: ':9820',
      telemetryPath: '/metrics',
      procfs: '/proc',
      sysfs: '/sys',
      dockerSocket: '/var/run/docker.sock',
      namespaceReference: 'auto',
      readAhead: 'auto',
      logLevel: 'info',
      logFormat: 'logfmt',
      criSocket: 'auto',
      rootfs: '/',
      webConfigFile: '',
      maxRequests: 40,
      runtimeLabels: 'com.docker.compose.project,com.docker.compose.service',
    });
  });

  it("carries Compose's project and service by default, the runtime labels given, or none", () => {
    expect(parseRuntimeLabels(run().runtimeLabels)).toEqual([
      'com.docker.compose.project',
      'com.docker.compose.service',
    ]);
    expect(parseRuntimeLabels(run('--runtime.labels=').runtimeLabels)).toEqual([]);
    expect(parseRuntimeLabels(run('--runtime.labels', ' app.kubernetes.io/name , tier ').runtimeLabels)).toEqual([
      'app.kubernetes.io/name',
      'tier',
    ]);
    expect(() => run('--runtime.labels=a,,b')).toThrow('--runtime.labels has an empty label key in "a,,b"');
    expect(() => run('--runtime.labels=a,a')).toThrow('--runtime.labels lists "a" twice');
    expect(() => run('--runtime.labels=a.b,a_b')).toThrow(
      '--runtime.labels: "a.b" and "a_b" would both be the label container_label_a_b'
    );
  });

  it("takes node_exporter's --web.config.file and --web.max-requests", () => {
    expect(run('--web.config.file=/etc/isoscope/web.yml', '--web.max-requests', '0')).toMatchObject({
      webConfigFile: '/etc/isoscope/web.yml',
      maxRequests: 0,
    });
    for (const bad of ['-1', 'many', '1.5', '']) {
      expect(() => run(`--web.max-requests=${bad}`)).toThrow(UsageError);
    }
    expect(() => run('--web.max-requests=x')).toThrow('invalid value "x" for --web.max-requests');
  });

  it('turns a runtime source off with an empty socket, and takes a CRI socket path', () => {
    expect(run('--docker.socket=').dockerSocket).toBe('');
    expect(run('--cri.socket=').criSocket).toBe('');
    expect(run('--cri.socket', '/run/k3s/containerd/containerd.sock', '--path.rootfs=/host')).toMatchObject({
      criSocket: '/run/k3s/containerd/containerd.sock',
      rootfs: '/host',
    });
  });

  it('reads ahead on a helper thread where a second CPU can run it, unless told otherwise', () => {
    expect(wantReadAhead(run().readAhead, 2, undefined)).toBe(true);
    expect(wantReadAhead(run().readAhead, 1, undefined)).toBe(false);
    expect(wantReadAhead(run('--scrape.read-ahead=off').readAhead, 8, undefined)).toBe(false);
    expect(wantReadAhead(run('--scrape.read-ahead=on').readAhead, 1, undefined)).toBe(true);
  });

  it("does not read ahead when a CPU limit leaves no second CPU's time", () => {
    expect(wantReadAhead(run().readAhead, 64, 0.5)).toBe(false);
    expect(wantReadAhead(run().readAhead, 64, 1)).toBe(false);
    expect(wantReadAhead(run().readAhead, 64, 1.5)).toBe(true);
    expect(wantReadAhead(run().readAhead, 1, 4)).toBe(false);
    expect(wantReadAhead(run('--scrape.read-ahead=on').readAhead, 64, 0.5)).toBe(true);
  });

  it('takes --flag=value and --flag value', () => {
    const o = run('--path.procfs=/host/proc', '--path.sysfs', '/host/sys', '--web.listen-address=127.0.0.1:1234');
    expect([o.procfs, o.sysfs, o.listenAddress]).toEqual(['/host/proc', '/host/sys', '127.0.0.1:1234']);
  });

  it('switches collectors off and on, the last word winning', () => {
    expect(run('--no-collector.network').collectors.has('network')).toBe(false);
    expect(run('--no-collector.network', '--collector.network').collectors.has('network')).toBe(true);
    expect(run('--collector.network=false').collectors.has('network')).toBe(false);
    expect(
      [...run('--collector.disable-defaults', '--collector.cpu', '--collector.namespaces').collectors].sort()
    ).toEqual(['cpu', 'namespaces']);
  });

  it.each([
    [['--bogus'], /unknown flag --bogus/],
    [['--collector.gpu'], /unknown collector "gpu"/],
    [['--log.level=loud'], /invalid value "loud" for --log.level \(one of: debug, info, warn, error\)/],
    [['--scrape.read-ahead=yes'], /invalid value "yes" for --scrape.read-ahead \(one of: auto, on, off\)/],
    [['--path.procfs'], /--path.procfs needs a value/],
    [['--web.listen-address=nowhere'], /invalid --web.listen-address "nowhere"/],
    [['--web.listen-address=:70000'], /invalid --web.listen-address/],
    [['--web.telemetry-path=metrics'], /must start with "\/"/],
    [['positional'], /unexpected argument "positional"/],
    [['--no-collector.cpu=yes'], /takes no value or =true\/=false/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('asks for help and version', () => {
    expect(parseArgs(['--help']).kind).toBe('help');
    expect(parseArgs(['-h']).kind).toBe('help');
    expect(parseArgs(['--version']).kind).toBe('version');
  });

  it('lists every flag and collector in --help', () => {
    const text = helpText('isoscope-exporter');
    for (const flag of [
      '--web.listen-address',
      '--web.telemetry-path',
      '--path.procfs',
      '--path.sysfs',
      '--path.rootfs',
      '--docker.socket',
      '--cri.socket',
      '--runtime.labels',
      '--namespace.reference',
      '--scrape.read-ahead',
      '--log.level',
      '--log.format',
      '--collector.disable-defaults',
    ]) {
      expect(text).toContain(flag);
    }
    for (const c of COLLECTORS) expect(text).toContain(`--[no-]collector.${c}`);
  });

  it('reads listen addresses as net.Server wants them', () => {
    expect(parseListenAddress(':9820')).toEqual({ port: 9820 });
    expect(parseListenAddress('127.0.0.1:80')).toEqual({ host: '127.0.0.1', port: 80 });
    expect(parseListenAddress('[::1]:9820')).toEqual({ host: '::1', port: 9820 });
  });
});

describe('the README', () => {
  it('lists every flag --help lists in its flags table', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Flags'), readme.indexOf('## Metrics'));
    const flags = [...helpText('isoscope-exporter').matchAll(/--([a-z][a-z.-]+)[= ]/g)].map((m) => m[1]);
    expect(flags.length).toBeGreaterThan(10);
    for (const flag of new Set(flags)) {
      // --help and --version are every program's; the table has one row for all --collector.<name>.
      if (
        flag === 'help' ||
        flag === 'version' ||
        (flag.startsWith('collector.') && flag !== 'collector.disable-defaults')
      )
        continue;
      expect({ flag, listed: table.includes(`\`--${flag}\``) }).toEqual({ flag, listed: true });
    }
  });
});
