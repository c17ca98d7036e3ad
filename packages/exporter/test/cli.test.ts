/** The built CLI as a user meets it: flags, exit codes and messages. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '@isoscope/test-support';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('isoscope-exporter command line', () => {
  it('exits 2 with a clear message on a bad flag', () => {
    const r = cli('--web.listen-adress=:9820');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('isoscope-exporter: unknown flag --web.listen-adress');
    expect(r.stderr).toContain("Run 'isoscope-exporter --help'");
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a bad value', () => {
    const r = cli('--log.format=xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid value "xml" for --log.format (one of: logfmt, json)');
  });

  it('exits 2 on a bad scrape timeout', () => {
    expect(cli('--scrape.timeout=0s').code).toBe(2);
    const r = cli('--scrape.timeout=ten');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('invalid duration "ten" for --scrape.timeout');
    expect(cli('--scrape.timeout-offset=-1s').code).toBe(2);
  });

  it('exits 2 with a clear message on a bad --web.config.file, before reading the host', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoscope-cli-'));
    try {
      const file = join(dir, 'web.yml');
      writeFileSync(file, 'tls_server_config:\n  cert_file: server.crt\n');
      const r = cli(`--web.config.file=${file}`, '--path.procfs=/nonexistent', '--web.listen-address=127.0.0.1:0');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `isoscope-exporter: web config ${file}: tls_server_config: missing one of key or key_file`
      );
      const missing = cli(`--web.config.file=${join(dir, 'absent.yml')}`, '--web.listen-address=127.0.0.1:0');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('cannot read web config file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists its flags with --help and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: isoscope-exporter \[flags\]/);
    expect(r.stdout).toContain('--path.procfs');
  });

  it('prints its version', () => {
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^isoscope-exporter \d+\.\d+\.\d+ \(node v\d+/);
  });

  it('exits 1 with a message when the host has no cgroup mount at --path.procfs', () => {
    const r = cli('--path.procfs=/nonexistent', '--web.listen-address=127.0.0.1:0');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('level=error msg="cannot start"');
    expect(r.stderr).toContain('cannot read /nonexistent/self/mountinfo (is --path.procfs a procfs?): ENOENT');
  });
});
