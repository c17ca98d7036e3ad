import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../log/logger';
import { parseUint } from '../parsers/values';
import { FileReader, ReadErrors, type VanishProbe } from './reader';

describe('FileReader error policy', () => {
  let dir: string;
  let container: VanishProbe;
  let errors: ReadErrors;
  let reader: FileReader;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isoscope-files-'));
    mkdirSync(join(dir, 'cg'));
    container = { cgroupDir: join(dir, 'cg'), vanished: false };
    errors = new ReadErrors(silentLogger);
    reader = new FileReader(errors, 'memory', container);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a good value and counts nothing', () => {
    writeFileSync(join(dir, 'cg', 'memory.current'), '4096\n');
    expect(reader.parse(join(dir, 'cg', 'memory.current'), parseUint)).toBe(4096);
    expect(errors.counts.size).toBe(0);
  });

  it('skips a malformed value and counts one error for its collector', () => {
    writeFileSync(join(dir, 'cg', 'memory.current'), 'lots\n');
    expect(reader.parse(join(dir, 'cg', 'memory.current'), parseUint)).toBeUndefined();
    expect(errors.counts.get('memory')).toBe(1);
    expect(container.vanished).toBe(false);
  });

  it('counts a missing required file of a live container as an error', () => {
    expect(reader.read(join(dir, 'cg', 'memory.stat'))).toBeUndefined();
    expect(errors.counts.get('memory')).toBe(1);
  });

  it('passes over a missing optional file silently', () => {
    expect(reader.read(join(dir, 'cg', 'memory.peak'), { optional: true })).toBeUndefined();
    expect(errors.counts.size).toBe(0);
  });

  it('marks the container vanished, without an error, when its cgroup is gone', () => {
    rmSync(join(dir, 'cg'), { recursive: true });
    expect(reader.read(join(dir, 'cg', 'memory.stat'))).toBeUndefined();
    expect(container.vanished).toBe(true);
    expect(errors.counts.size).toBe(0);
  });

  it("marks it vanished too when the file's own cgroup is gone before the one that stands for it", () => {
    // Removal goes hierarchy by hierarchy: memory's directory may go while pids' (cgroupDir) is still there.
    mkdirSync(join(dir, 'memory', 'cg'), { recursive: true });
    rmSync(join(dir, 'memory', 'cg'), { recursive: true });
    expect(reader.read(join(dir, 'memory', 'cg', 'memory.stat'))).toBeUndefined();
    expect(container.vanished).toBe(true);
    expect(errors.counts.size).toBe(0);
  });

  it('still counts a file of some other missing directory (a process of the container gone) as an error', () => {
    expect(reader.read(join(dir, 'proc', '4242', 'status'))).toBeUndefined();
    expect(container.vanished).toBe(false);
    expect(errors.counts.get('memory')).toBe(1);
  });

  it('counts lines a multi-line parser skipped', () => {
    reader.malformed('/x/memory.stat', 2);
    reader.malformed('/x/memory.stat', 0);
    expect(errors.counts.get('memory')).toBe(2);
  });

  it('lets a null path (controller not mounted) through without an error', () => {
    expect(reader.read(null)).toBeUndefined();
    expect(errors.counts.size).toBe(0);
  });
});
