// plugin.json against the schema in schema/plugin.schema.json, for the source file and for the one the
// production build writes to dist/ (the root's `npm test` runs this package's build first: turbo's
// test → build dependency). Also checks the files Grafana loads from dist/.
import Ajv from 'ajv';
import fs from 'fs';
import path from 'path';
import semver from 'semver';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

const schema = readJson(path.join(root, 'schema', 'plugin.schema.json'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const errorsOf = (json: unknown): string[] =>
  validate(json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);

const source = readJson(path.join(root, 'src', 'plugin.json'));
const packageJson = readJson(path.join(root, 'package.json'));

describe('src/plugin.json', () => {
  it('is valid against the plugin.json schema', () => {
    expect(errorsOf(source)).toEqual([]);
  });

  it('is the isoscope isolation panel', () => {
    expect(source).toMatchObject({ type: 'panel', id: 'isoscope-isolation-panel', name: 'Isoscope isolation' });
    expect(source.info.author.name).toBe('isoscope');
    expect(source.info.description).not.toBe('');
  });

  it('asks for a Grafana that the @grafana packages it is built against belong to', () => {
    const range: string = source.dependencies.grafanaDependency;
    expect(semver.validRange(range)).not.toBeNull();
    for (const pkg of ['@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema']) {
      const built = packageJson.dependencies[pkg];
      expect(semver.valid(built)).toBe(built); // pinned exactly
      expect(semver.satisfies(built, range)).toBe(true);
      // no older minor than the one built and type-checked against
      expect(semver.minVersion(range)!.compare(`${semver.major(built)}.${semver.minor(built)}.0`)).toBe(0);
    }
  });
});

describe('the schema', () => {
  it('rejects what Grafana rejects', () => {
    expect(errorsOf({ ...source, id: 'isoscope-isolation' })).not.toEqual([]);
    expect(errorsOf({ ...source, id: 'Isoscope-isolation-panel' })).not.toEqual([]);
    expect(errorsOf({ ...source, unknownKey: true })).not.toEqual([]);
    expect(errorsOf({ ...source, info: { ...source.info, keywords: [] } })).not.toEqual([]);
    expect(errorsOf({ ...source, info: { ...source.info, version: '1.0' } })).not.toEqual([]);
    expect(errorsOf({ ...source, dependencies: { grafanaDependency: 'thirteen' } })).not.toEqual([]);
  });
});

describe('dist/ (production build)', () => {
  const distFile = (name: string) => path.join(dist, name);

  beforeAll(() => {
    if (!fs.existsSync(distFile('plugin.json'))) {
      throw new Error(`${dist} has no build: run \`npm run build\` in packages/grafana-panel first`);
    }
  });

  it('holds what Grafana loads', () => {
    for (const name of ['module.js', 'plugin.json', 'img/logo.svg', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
      expect(fs.existsSync(distFile(name))).toBe(true);
    }
  });

  it('has a plugin.json valid against the schema, placeholders filled in', () => {
    const built = readJson(distFile('plugin.json'));
    // create-plugin's BuildModeWebpackPlugin adds `buildMode`, which is not part of plugin.json's schema.
    const { buildMode, ...rest } = built;
    expect(buildMode).toBe('production');
    expect(errorsOf(rest)).toEqual([]);
    expect(built.info.version).toBe(packageJson.version);
    expect(built.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(built)).not.toMatch(/%[A-Z_]+%/);
  });

  it('has an AMD module.js that bundles @isoscope/shared instead of expecting it from Grafana', () => {
    const code = fs.readFileSync(distFile('module.js'), 'utf8');
    // create-plugin puts a `/* [create-plugin] … */` banner before the AMD wrapper
    const body = code.replace(/^(\s*\/\*[\s\S]*?\*\/)*\s*/, '');
    expect(body.startsWith('define(')).toBe(true);
    const deps: string[] = JSON.parse(body.slice('define('.length, body.indexOf(']') + 1));
    expect(deps).not.toContain('@isoscope/shared');
    expect(deps).toEqual(expect.arrayContaining(['@grafana/data', 'react']));
  });
});
