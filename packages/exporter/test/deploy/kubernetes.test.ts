/**
 * deploy/kubernetes, checked without a cluster: render the kustomize base and an overlay using both
 * components with `kubectl kustomize`, validate every object against the Kubernetes OpenAPI schema
 * (kubernetes-models), look for fields no schema knows (kubernetes-models does not), and hold the DaemonSet
 * to the least privilege the exporter needs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseArgs } from '../../src/flags';
import { findKubectl, renderKustomization } from '../support/kustomize';
import { CRI_SOCKETS as EXPORTER_CRI_SOCKETS } from '../../src/runtime/cri/source';

const REPO = path.resolve(__dirname, '../../../..');
const BASE = path.join(REPO, 'deploy/kubernetes');
const COMPONENTS = path.join(BASE, 'components');

/** The CRI sockets the exporter looks for under --path.rootfs (`--cri.socket=auto`). */
const CRI_SOCKETS: readonly string[] = EXPORTER_CRI_SOCKETS;
const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
/** The image an overlay sets through `images:` (what `kustomize edit set image` writes). */
const RETAGGED = 'registry.example.com/isoscope-exporter:1.2.3';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

// ---------------------------------------------------------------------------------------------------
// Rendering

function writeOverlay(dir: string): void {
  const rel = (p: string) => path.relative(dir, p);
  fs.writeFileSync(
    path.join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      `  - ${rel(BASE)}`,
      'components:',
      `  - ${rel(path.join(COMPONENTS, 'prometheus-operator'))}`,
      `  - ${rel(path.join(COMPONENTS, 'cri-o'))}`,
      'images:',
      '  - name: isoscope/exporter',
      `    newName: ${RETAGGED.split(':')[0]}`,
      `    newTag: "${RETAGGED.split(':')[1]}"`,
      '',
    ].join('\n')
  );
}

// ---------------------------------------------------------------------------------------------------
// Schema validation (kubernetes-models) and unknown fields

type ModelClass = new (data: unknown) => { validate(): void };

function modelModule(apiVersion: string, kind: string): string {
  // kubernetes-models lays its classes out as <group>/<version>/<Kind>, the core group as v1/<Kind>.
  return `kubernetes-models/${apiVersion}/${kind}`;
}

function modelClass(apiVersion: string, kind: string): ModelClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one model module per kind, found at run time
  const mod = require(modelModule(apiVersion, kind)) as Record<string, ModelClass | undefined>;
  const cls = mod[kind];
  if (!cls) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return cls;
}

function pathTo(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return at ? `${at}.${key}` : key;
  return `${at}[${JSON.stringify(key)}]`;
}

/**
 * The fields kubernetes-models declares for each kind, read from its TypeScript declarations (the
 * interfaces it generates from the same OpenAPI schema its validators come from: its compiled validators
 * carry no schema to walk). A key that no declared property or map type allows is unknown.
 */
class DeclaredFields {
  private readonly checker: ts.TypeChecker;
  private readonly roots = new Map<string, ts.Type>();

  constructor(kinds: ReadonlyArray<{ apiVersion: string; kind: string }>) {
    const entry = path.join(__dirname, '__declared_fields__.ts'); // served from memory, never written
    const lines = kinds.map(
      (k, i) => `import type { I${k.kind} as T${i} } from ${JSON.stringify(modelModule(k.apiVersion, k.kind))};`
    );
    lines.push(
      'export interface Roots {',
      ...kinds.map((k, i) => `  ${JSON.stringify(`${k.apiVersion} ${k.kind}`)}: T${i};`),
      '}',
      ''
    );
    const text = lines.join('\n');
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
    };
    const host = ts.createCompilerHost(options, true);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (name, language, ...rest) =>
      name === entry
        ? ts.createSourceFile(name, text, language, true)
        : getSourceFile.call(host, name, language, ...rest);
    host.fileExists = (name) => name === entry || fileExists.call(host, name);
    host.readFile = (name) => (name === entry ? text : readFile.call(host, name));
    const program = ts.createProgram({ rootNames: [entry], options, host });
    const source = program.getSourceFile(entry);
    const diagnostics = source ? ts.getPreEmitDiagnostics(program, source) : [];
    if (!source || diagnostics.length) {
      throw new Error(`cannot load kubernetes-models' declarations: ${ts.formatDiagnostics(diagnostics, host)}`);
    }
    this.checker = program.getTypeChecker();
    const roots = source.statements.find(ts.isInterfaceDeclaration);
    if (!roots) throw new Error('no Roots interface');
    for (const prop of this.checker.getTypeAtLocation(roots).getProperties()) {
      this.roots.set(prop.name, this.checker.getTypeOfSymbol(prop));
    }
  }

  /** Paths of the keys of `object` that its kind's schema does not declare. */
  unknownFields(object: Manifest): string[] {
    const root = this.roots.get(`${object.apiVersion} ${object.kind}`);
    if (!root) throw new Error(`no declarations loaded for ${object.apiVersion} ${object.kind}`);
    const out: string[] = [];
    this.walk(object, root, '', out);
    return out;
  }

  private walk(value: unknown, type: ts.Type, at: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const members = this.objectMembers(type);
    if (members === 'open') return;
    if (Array.isArray(value)) {
      const element = members.map((m) => this.checker.getIndexInfoOfType(m, ts.IndexKind.Number)?.type).find((t) => t);
      // No list type here: a type mismatch, which validate() reports.
      if (element) value.forEach((item, i) => this.walk(item, element, pathTo(at, i), out));
      return;
    }
    if (!members.length) return; // an object where a scalar belongs: validate()'s to report
    for (const [key, child] of Object.entries(value)) {
      let childType: ts.Type | undefined;
      for (const m of members) {
        const prop = m.getProperty(key);
        if (prop) {
          childType = this.checker.getTypeOfSymbol(prop);
          break;
        }
      }
      childType ??= members.map((m) => this.checker.getIndexInfoOfType(m, ts.IndexKind.String)?.type).find((t) => t);
      if (!childType) out.push(pathTo(at, key));
      else this.walk(child, childType, pathTo(at, key), out);
    }
  }

  /** The object types a value of `type` may be (null and undefined dropped), or 'open' for any/unknown/object. */
  private objectMembers(type: ts.Type): ts.Type[] | 'open' {
    const members: ts.Type[] = [];
    for (const t of type.isUnion() ? type.types : [type]) {
      if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) return 'open';
      if (t.flags & ts.TypeFlags.Object || t.isIntersection()) members.push(t);
    }
    return members;
  }
}

/** A small JSON-schema subset, enough for the ServiceMonitor fields used here. Objects are closed. */
type Schema =
  | { type: 'string'; enum?: readonly string[]; pattern?: RegExp }
  | { type: 'boolean' }
  | { type: 'integer' }
  | { type: 'array'; items: Schema }
  | {
      type: 'object';
      properties?: Record<string, Schema>;
      required?: readonly string[];
      additionalProperties?: Schema;
    };

function checkSchema(value: unknown, schema: Schema, at: string, errors: string[]): void {
  const where = at || '(root)';
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') errors.push(`${where}: want a string, got ${JSON.stringify(value)}`);
      else if (schema.enum && !schema.enum.includes(value))
        errors.push(`${where}: "${value}" is not one of ${schema.enum.join(', ')}`);
      else if (schema.pattern && !schema.pattern.test(value))
        errors.push(`${where}: "${value}" does not match ${schema.pattern}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${where}: want a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${where}: want an integer, got ${JSON.stringify(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) errors.push(`${where}: want a list, got ${JSON.stringify(value)}`);
      else value.forEach((item, i) => checkSchema(item, schema.items, pathTo(at, i), errors));
      return;
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        errors.push(`${where}: want an object, got ${JSON.stringify(value)}`);
        return;
      }
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${pathTo(at, key)}: required`);
      for (const [key, child] of Object.entries(record)) {
        const sub = schema.properties?.[key] ?? schema.additionalProperties;
        if (!sub) errors.push(`${pathTo(at, key)}: unknown field`);
        else checkSchema(child, sub, pathTo(at, key), errors);
      }
    }
  }
}

// From the ServiceMonitor CRD (monitoring.coreos.com_servicemonitors.yaml of prometheus-operator 0.84):
// the fields this repository uses or is likely to, with their types, patterns and enums.
const str: Schema = { type: 'string' };
const strings: Schema = { type: 'array', items: str };
const stringMap: Schema = { type: 'object', additionalProperties: str };
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
  'keepequal',
  'dropequal',
];
const RELABEL_ACTIONS_CASED = [
  'Replace',
  'Keep',
  'Drop',
  'HashMod',
  'LabelMap',
  'LabelDrop',
  'LabelKeep',
  'Lowercase',
  'Uppercase',
  'KeepEqual',
  'DropEqual',
];
const relabelConfig: Schema = {
  type: 'object',
  properties: {
    action: { type: 'string', enum: [...RELABEL_ACTIONS, ...RELABEL_ACTIONS_CASED] },
    modulus: { type: 'integer' },
    regex: str,
    replacement: str,
    separator: str,
    sourceLabels: { type: 'array', items: { type: 'string', pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/ } },
    targetLabel: str,
  },
};
const labelSelector: Schema = {
  type: 'object',
  properties: {
    matchLabels: stringMap,
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: { key: str, operator: str, values: strings },
      },
    },
  },
};
/** A Prometheus Operator object (monitoring.coreos.com/v1) of `kind`: its metadata, and `spec` as given. */
function operatorObject(kind: string, spec: Schema): Schema {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: ['monitoring.coreos.com/v1'] },
      kind: { type: 'string', enum: [kind] },
      metadata: {
        type: 'object',
        required: ['name'],
        properties: { name: str, namespace: str, labels: stringMap, annotations: stringMap },
      },
      spec,
    },
  };
}
const SERVICE_MONITOR_SCHEMA: Schema = operatorObject('ServiceMonitor', {
  type: 'object',
  required: ['endpoints', 'selector'],
  properties: {
    jobLabel: str,
    targetLabels: strings,
    podTargetLabels: strings,
    selector: labelSelector,
    namespaceSelector: { type: 'object', properties: { any: { type: 'boolean' }, matchNames: strings } },
    attachMetadata: { type: 'object', properties: { node: { type: 'boolean' } } },
    sampleLimit: { type: 'integer' },
    targetLimit: { type: 'integer' },
    endpoints: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          port: str,
          path: str,
          scheme: { type: 'string', enum: ['http', 'https'] },
          interval: { type: 'string', pattern: DURATION },
          scrapeTimeout: { type: 'string', pattern: DURATION },
          honorLabels: { type: 'boolean' },
          honorTimestamps: { type: 'boolean' },
          filterRunning: { type: 'boolean' },
          followRedirects: { type: 'boolean' },
          enableHttp2: { type: 'boolean' },
          params: { type: 'object', additionalProperties: strings },
          relabelings: { type: 'array', items: relabelConfig },
          metricRelabelings: { type: 'array', items: relabelConfig },
        },
      },
    },
  },
});

/** The CRD's own rule beyond types: these relabel actions need a targetLabel. */
const NEEDS_TARGET_LABEL = new Set(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);

interface RelabelConfig {
  action?: string;
  sourceLabels?: string[];
  targetLabel?: string;
  regex?: string;
}
interface ServiceMonitor extends Manifest {
  spec: {
    selector: { matchLabels?: Record<string, string> };
    namespaceSelector?: { matchNames?: string[] };
    endpoints: Array<{
      port?: string;
      path?: string;
      interval?: string;
      honorLabels?: boolean;
      relabelings?: RelabelConfig[];
    }>;
  };
}

function serviceMonitorErrors(object: unknown): string[] {
  const errors: string[] = [];
  checkSchema(object, SERVICE_MONITOR_SCHEMA, '', errors);
  if (errors.length) return errors;
  (object as ServiceMonitor).spec.endpoints.forEach((ep, i) =>
    (ep.relabelings ?? []).forEach((r, j) => {
      if (NEEDS_TARGET_LABEL.has((r.action ?? 'replace').toLowerCase()) && !r.targetLabel) {
        errors.push(`spec.endpoints[${i}].relabelings[${j}]: action ${r.action ?? 'replace'} needs a targetLabel`);
      }
    })
  );
  return errors;
}

// From the PrometheusRule CRD (monitoring.coreos.com_prometheusrules.yaml of prometheus-operator 0.84): every
// field of a rule group and a rule (`expr` is an int-or-string; ours are strings).
const PROMETHEUS_RULE_SCHEMA: Schema = operatorObject('PrometheusRule', {
  type: 'object',
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'rules'],
        properties: {
          name: str,
          interval: { type: 'string', pattern: DURATION },
          query_offset: { type: 'string', pattern: DURATION },
          limit: { type: 'integer' },
          partial_response_strategy: str,
          labels: stringMap,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              required: ['expr'],
              properties: {
                record: str,
                alert: str,
                expr: str,
                for: { type: 'string', pattern: DURATION },
                keep_firing_for: { type: 'string', pattern: DURATION },
                labels: stringMap,
                annotations: stringMap,
              },
            },
          },
        },
      },
    },
  },
});

function prometheusRuleErrors(object: unknown): string[] {
  const errors: string[] = [];
  checkSchema(object, PROMETHEUS_RULE_SCHEMA, '', errors);
  const groups = (object as { spec?: { groups?: Array<{ rules?: Array<{ record?: string; alert?: string }> }> } }).spec
    ?.groups;
  groups?.forEach((g, i) =>
    g.rules?.forEach((r, j) => {
      // The CRD's own rule: a rule records or alerts, never both or neither.
      if ((r.record === undefined) === (r.alert === undefined))
        errors.push(`spec.groups[${i}].rules[${j}]: exactly one of record and alert`);
    })
  );
  return errors;
}

function schemaErrors(object: Manifest, declared: DeclaredFields): string[] {
  const name = `${object.kind}/${object.metadata?.name}`;
  if (object.apiVersion === 'monitoring.coreos.com/v1' && object.kind === 'ServiceMonitor') {
    return serviceMonitorErrors(object).map((e) => `${name}: ${e}`);
  }
  if (object.apiVersion === 'monitoring.coreos.com/v1' && object.kind === 'PrometheusRule') {
    return prometheusRuleErrors(object).map((e) => `${name}: ${e}`);
  }
  const errors: string[] = [];
  try {
    new (modelClass(object.apiVersion, object.kind))(object).validate();
  } catch (err) {
    errors.push(`${name}: ${(err as Error).message}`);
  }
  for (const field of declared.unknownFields(object)) errors.push(`${name}: unknown field ${field}`);
  return errors;
}

// ---------------------------------------------------------------------------------------------------
// Least privilege

function isKind<T>(kind: string) {
  return (o: Manifest): o is Manifest & T => o.kind === kind;
}

function daemonSetOf(objects: Manifest[]): IDaemonSet {
  const found = objects.filter(isKind<IDaemonSet>('DaemonSet'));
  if (found.length !== 1) throw new Error(`expected one DaemonSet, found ${found.length}`);
  return found[0];
}

function exporterOf(objects: Manifest[]): IContainer {
  const containers = daemonSetOf(objects).spec?.template.spec?.containers ?? [];
  if (containers.length !== 1) throw new Error(`expected one container, found ${containers.length}`);
  return containers[0];
}

/** `--flag=value` and `--flag value` → flag → value. */
function flagsOf(args: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) continue;
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) flags.set(m[1], args[++i]);
    else flags.set(m[1], 'true');
  }
  return flags;
}

/** Kubernetes quantities as numbers (cores, bytes), for the request ≤ limit check. */
function quantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`unparsed quantity ${q}`);
  const scale: Record<string, number> = {
    m: 1e-3,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}

function leastPrivilegeViolations(objects: Manifest[]): string[] {
  const v: string[] = [];
  let ds: IDaemonSet;
  let c: IContainer;
  try {
    ds = daemonSetOf(objects);
    c = exporterOf(objects);
  } catch (err) {
    return [(err as Error).message];
  }
  const pod = ds.spec?.template.spec;
  if (!pod) return ['the DaemonSet has no pod spec'];

  // Namespaces and the API.
  if (pod.hostPID !== true)
    v.push('hostPID is not true (the pids in cgroup.procs and the /proc/1/ns reference need it)');
  if (pod.hostNetwork) v.push('hostNetwork is set (the pod network is enough)');
  if (pod.hostIPC) v.push('hostIPC is set');
  const saName = pod.serviceAccountName ?? 'default';
  const sa = objects.filter(isKind<IServiceAccount>('ServiceAccount')).find((o) => o.metadata.name === saName);
  if (!sa) v.push(`ServiceAccount ${saName} is not part of the render`);
  else if (sa.automountServiceAccountToken !== false)
    v.push(`ServiceAccount ${saName}: automountServiceAccountToken is not false`);
  if (pod.automountServiceAccountToken !== false) v.push('pod spec: automountServiceAccountToken is not false');
  for (const o of objects) {
    if (RBAC_KINDS.includes(o.kind) || o.apiVersion.startsWith('rbac.authorization.k8s.io/'))
      v.push(`RBAC object ${o.kind}/${o.metadata.name}`);
  }

  // Container security context.
  const sc = c.securityContext ?? {};
  const drop = sc.capabilities?.drop ?? [];
  const add = sc.capabilities?.add ?? [];
  if (!drop.includes('ALL')) v.push(`capabilities: drop is [${drop.join(', ')}], not ALL`);
  if (add.length !== 1 || add[0] !== 'SYS_PTRACE')
    v.push(`capabilities: add is [${add.join(', ')}], not only SYS_PTRACE`);
  if (sc.allowPrivilegeEscalation !== false) v.push('allowPrivilegeEscalation is not false');
  if (sc.readOnlyRootFilesystem !== true) v.push('readOnlyRootFilesystem is not true');
  if (sc.privileged === true) v.push('privileged is true');
  const seccomp = sc.seccompProfile ?? pod.securityContext?.seccompProfile;
  if (seccomp?.type !== 'RuntimeDefault') v.push(`seccompProfile is ${seccomp?.type ?? 'unset'}, not RuntimeDefault`);

  // Host paths: only /proc, /sys and one CRI socket, each mounted read-only.
  const hostPaths = new Map<string, { path: string; type?: string }>();
  for (const vol of pod.volumes ?? []) if (vol.hostPath) hostPaths.set(vol.name, vol.hostPath);
  const sockets = [...hostPaths.values()].filter((h) => CRI_SOCKETS.includes(h.path.replace(/^\//, '')));
  if (sockets.length !== 1) v.push(`expected one CRI socket hostPath volume, found ${sockets.length}`);
  for (const [name, h] of hostPaths) {
    const isSocket = CRI_SOCKETS.includes(h.path.replace(/^\//, ''));
    if (isSocket && h.type !== 'Socket')
      v.push(`volume ${name}: hostPath ${h.path} has type ${h.type ?? 'unset'}, not Socket`);
    if (!isSocket && h.path !== '/proc' && h.path !== '/sys')
      v.push(`volume ${name}: hostPath ${h.path} is not one the exporter needs`);
  }
  const hostMounts = (c.volumeMounts ?? []).filter((m) => hostPaths.has(m.name));
  for (const m of hostMounts) if (m.readOnly !== true) v.push(`volumeMount ${m.name} (${m.mountPath}) is not readOnly`);
  for (const name of hostPaths.keys())
    if (!hostMounts.some((m) => m.name === name)) v.push(`hostPath volume ${name} is not mounted`);

  // Flags against the mounts: each --path.* is where its host directory is mounted, and every host path
  // sits at the same place under --path.rootfs as on the node (where the exporter looks for the socket).
  const flags = flagsOf(c.args ?? []);
  const mountOf = (hostPath: string) => hostMounts.find((m) => hostPaths.get(m.name)?.path === hostPath)?.mountPath;
  for (const [flag, hostPath] of [
    ['path.procfs', '/proc'],
    ['path.sysfs', '/sys'],
  ] as const) {
    const mounted = mountOf(hostPath);
    if (flags.get(flag) === undefined) v.push(`args: --${flag} missing`);
    else if (flags.get(flag) !== mounted)
      v.push(`args: --${flag}=${flags.get(flag)} but ${hostPath} is mounted at ${mounted ?? 'nowhere'}`);
  }
  const rootfs = flags.get('path.rootfs');
  if (rootfs === undefined) v.push('args: --path.rootfs missing');
  else {
    for (const m of hostMounts) {
      const want = path.posix.join(rootfs, hostPaths.get(m.name)?.path ?? '');
      if (m.mountPath !== want)
        v.push(`volumeMount ${m.name}: at ${m.mountPath}, not at ${want} (--path.rootfs=${rootfs} + its host path)`);
    }
  }
  if (flags.get('docker.socket') !== '')
    v.push(`args: --docker.socket is ${JSON.stringify(flags.get('docker.socket'))}, not empty`);

  // Resources, probes, node name.
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'])
      if (c.resources?.[kind]?.[res] === undefined) v.push(`resources.${kind}.${res} is not set`);
  }
  for (const res of ['cpu', 'memory']) {
    const req = c.resources?.requests?.[res];
    const lim = c.resources?.limits?.[res];
    if (req !== undefined && lim !== undefined && quantity(req) > quantity(lim))
      v.push(`resources: ${res} request ${req} above its limit ${lim}`);
  }
  const metricsPort = (c.ports ?? []).find((p) => p.name === 'metrics');
  if (!metricsPort) v.push('no containerPort named metrics');
  for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
    const get = c[probe]?.httpGet;
    if (!get) v.push(`${probe}: no httpGet`);
    else {
      if (get.path !== '/healthz') v.push(`${probe}: path ${get.path}, not /healthz`);
      if (get.port !== 'metrics' && get.port !== metricsPort?.containerPort)
        v.push(`${probe}: port ${get.port}, not the metrics port`);
    }
  }
  const nodeName = (c.env ?? []).find((e) => e.name === 'NODE_NAME');
  if (nodeName?.valueFrom?.fieldRef?.fieldPath !== 'spec.nodeName')
    v.push('env NODE_NAME is not from the downward API spec.nodeName');

  // Scheduling and updates.
  if (!(pod.tolerations ?? []).some((t) => t.operator === 'Exists' && !t.key && !t.effect))
    v.push('no toleration "operator: Exists" (every node)');
  if (ds.spec?.updateStrategy?.type !== 'RollingUpdate')
    v.push(`updateStrategy is ${ds.spec?.updateStrategy?.type ?? 'unset'}, not RollingUpdate`);
  return v;
}

// ---------------------------------------------------------------------------------------------------

function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined
): boolean {
  return (
    !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, val]) => labels?.[k] === val)
  );
}

let kubectl: string;
let tmp: string;
let base: Manifest[];
let overlay: Manifest[];
let declared: DeclaredFields;

beforeAll(() => {
  kubectl = findKubectl();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'isoscope-kustomize-'));
  writeOverlay(tmp);
  base = renderKustomization(BASE, kubectl) as Manifest[];
  overlay = renderKustomization(tmp, kubectl) as Manifest[];
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of [...base, ...overlay])
    if (o.apiVersion !== 'monitoring.coreos.com/v1') kinds.set(`${o.apiVersion} ${o.kind}`, o);
  declared = new DeclaredFields([...kinds.values()].map(({ apiVersion, kind }) => ({ apiVersion, kind })));
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('rendering', () => {
  test('the base renders the Namespace, ServiceAccount, Service and DaemonSet, in namespace isoscope', () => {
    expect(base.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'DaemonSet/isoscope-exporter',
      'Namespace/isoscope',
      'Service/isoscope-exporter',
      'ServiceAccount/isoscope-exporter',
    ]);
    for (const o of base) {
      if (o.kind !== 'Namespace') expect(`${o.kind} ${o.metadata.namespace}`).toBe(`${o.kind} isoscope`);
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'isoscope-exporter',
        'app.kubernetes.io/part-of': 'isoscope',
      });
    }
    // hostPID, hostPath and SYS_PTRACE are all beyond Pod Security "baseline".
    expect(base.find((o) => o.kind === 'Namespace')?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'privileged'
    );
  });

  test('the overlay with both components adds the ServiceMonitor and the PrometheusRule, nothing else', () => {
    expect(overlay.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'DaemonSet/isoscope-exporter',
      'Namespace/isoscope',
      'PrometheusRule/isoscope',
      'Service/isoscope-exporter',
      'ServiceAccount/isoscope-exporter',
      'ServiceMonitor/isoscope-exporter',
    ]);
  });

  test('image: isoscope/exporter:0.1.0 in the base, and an overlay `images:` entry retags it', () => {
    expect(exporterOf(base)).toMatchObject({ image: 'isoscope/exporter:0.1.0', imagePullPolicy: 'IfNotPresent' });
    expect(exporterOf(overlay).image).toBe(RETAGGED);
  });
});

describe('schema', () => {
  test.each([
    ['base', () => base],
    ['overlay with both components', () => overlay],
  ])('every object of the %s validates, with no unknown field', (_name, objects) => {
    expect(objects().flatMap((o) => schemaErrors(o, declared))).toEqual([]);
  });

  test('a misspelt key is caught with its path, though kubernetes-models accepts it', () => {
    const bad = structuredClone(daemonSetOf(base)) as unknown as Record<string, any>;
    const podSpec = bad.spec.template.spec;
    podSpec.hostPid = podSpec.hostPID;
    delete podSpec.hostPID;
    podSpec.containers[0].securityContext.capabilities.addd = ['SYS_ADMIN'];
    podSpec.containers[0].resources.limits['ephemeral-storage'] = '1Gi'; // a map key: allowed
    bad.spec.template.metadata.lables = { a: 'b' };

    expect(() => new DaemonSet(bad as IDaemonSet).validate()).not.toThrow();
    expect(declared.unknownFields(bad as Manifest)).toEqual([
      'spec.template.metadata.lables',
      'spec.template.spec.containers[0].securityContext.capabilities.addd',
      'spec.template.spec.hostPid',
    ]);
    expect(schemaErrors(bad as Manifest, declared)).toEqual([
      'DaemonSet/isoscope-exporter: unknown field spec.template.metadata.lables',
      'DaemonSet/isoscope-exporter: unknown field spec.template.spec.containers[0].securityContext.capabilities.addd',
      'DaemonSet/isoscope-exporter: unknown field spec.template.spec.hostPid',
    ]);
  });

  test('a wrong type is caught by kubernetes-models', () => {
    const bad = structuredClone(daemonSetOf(base)) as unknown as Record<string, any>;
    bad.spec.template.spec.hostPID = 'yes';
    expect(schemaErrors(bad as Manifest, declared).join('\n')).toMatch(/hostPID/);
  });

  test('the PrometheusRule check catches unknown fields, bad durations and a rule that neither records nor alerts', () => {
    const pr = structuredClone(overlay.find((o) => o.kind === 'PrometheusRule')) as unknown as Record<string, any>;
    pr.spec.groups[1].rules[0].for = '5 minutes';
    pr.spec.groups[1].rules[0].severity = 'warning';
    delete pr.spec.groups[1].rules[1].alert;
    expect(prometheusRuleErrors(pr)).toEqual([
      'spec.groups[1].rules[0].for: "5 minutes" does not match ' + String(DURATION),
      'spec.groups[1].rules[0].severity: unknown field',
      'spec.groups[1].rules[1]: exactly one of record and alert',
    ]);
  });

  test('the ServiceMonitor check catches unknown fields, bad enums and patterns', () => {
    const sm = structuredClone(overlay.find((o) => o.kind === 'ServiceMonitor')) as unknown as Record<string, any>;
    sm.spec.endpoints[0].relabellings = [];
    sm.spec.endpoints[0].interval = '30 seconds';
    sm.spec.endpoints[0].relabelings[0].action = 'rename';
    sm.spec.endpoints[0].relabelings.push({ sourceLabels: ['__meta_kubernetes_pod_node_name'] });
    expect(serviceMonitorErrors(sm)).toEqual([
      'spec.endpoints[0].interval: "30 seconds" does not match /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/',
      `spec.endpoints[0].relabelings[0].action: "rename" is not one of ${[...RELABEL_ACTIONS, ...RELABEL_ACTIONS_CASED].join(', ')}`,
      'spec.endpoints[0].relabellings: unknown field',
    ]);
    delete sm.spec.endpoints[0].relabellings;
    sm.spec.endpoints[0].interval = '30s';
    sm.spec.endpoints[0].relabelings[0].action = 'replace';
    expect(serviceMonitorErrors(sm)).toEqual([
      `spec.endpoints[0].relabelings[${sm.spec.endpoints[0].relabelings.length - 1}]: action replace needs a targetLabel`,
    ]);
  });
});

describe('least privilege', () => {
  test.each([
    ['base', () => base],
    ['overlay with both components', () => overlay],
  ])('the %s DaemonSet keeps every restriction', (_name, objects) => {
    expect(leastPrivilegeViolations(objects())).toEqual([]);
  });

  type Pod = NonNullable<NonNullable<IDaemonSet['spec']>['template']['spec']>;
  const pod = (objects: Manifest[]): Pod => daemonSetOf(objects).spec!.template.spec!;
  const mount = (objects: Manifest[], name: string) => exporterOf(objects).volumeMounts!.find((m) => m.name === name)!;
  const volume = (objects: Manifest[], name: string) => pod(objects).volumes!.find((m) => m.name === name)!;
  const sc = (objects: Manifest[]) => exporterOf(objects).securityContext!;
  const setArg = (objects: Manifest[], flag: string, value: string | undefined) => {
    const c = exporterOf(objects);
    c.args = c.args!.filter((a) => !a.startsWith(`--${flag}=`));
    if (value !== undefined) c.args.push(`--${flag}=${value}`);
  };
  const mutations: Array<[string, (o: Manifest[]) => void, RegExp]> = [
    ['hostPID off', (o) => void (pod(o).hostPID = false), /hostPID is not true/],
    ['hostNetwork on', (o) => void (pod(o).hostNetwork = true), /hostNetwork is set/],
    ['a writable /proc', (o) => void (mount(o, 'proc').readOnly = false), /volumeMount proc .* not readOnly/],
    ['a socket without type Socket', (o) => void delete volume(o, 'cri-socket').hostPath!.type, /not Socket/],
    [
      'another host path',
      (o) => void pod(o).volumes!.push({ name: 'root', hostPath: { path: '/' } }),
      /hostPath \/ is not one/,
    ],
    ['capabilities not dropped', (o) => void (sc(o).capabilities!.drop = []), /drop is \[\], not ALL/],
    ['another capability', (o) => void sc(o).capabilities!.add!.push('SYS_ADMIN'), /not only SYS_PTRACE/],
    ['privilege escalation', (o) => void (sc(o).allowPrivilegeEscalation = true), /allowPrivilegeEscalation/],
    ['a writable root filesystem', (o) => void (sc(o).readOnlyRootFilesystem = false), /readOnlyRootFilesystem/],
    ['privileged', (o) => void (sc(o).privileged = true), /privileged is true/],
    ['seccomp unconfined', (o) => void (sc(o).seccompProfile = { type: 'Unconfined' }), /seccompProfile is Unconfined/],
    [
      'a token in the pod',
      (o) => void (pod(o).automountServiceAccountToken = true),
      /pod spec: automountServiceAccountToken/,
    ],
    [
      'a token by the account',
      (o) => void delete (o.find((x) => x.kind === 'ServiceAccount') as IServiceAccount).automountServiceAccountToken,
      /ServiceAccount isoscope-exporter: automount/,
    ],
    [
      'a ClusterRole',
      (o) => void o.push({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'x' } }),
      /RBAC object ClusterRole\/x/,
    ],
    ['no cpu limit', (o) => void delete exporterOf(o).resources!.limits!.cpu, /resources.limits.cpu is not set/],
    [
      'no memory request',
      (o) => void delete exporterOf(o).resources!.requests!.memory,
      /resources.requests.memory is not set/,
    ],
    [
      'a request above its limit',
      (o) => void (exporterOf(o).resources!.requests!.memory = '1Gi'),
      /memory request 1Gi above its limit/,
    ],
    [
      'liveness elsewhere',
      (o) => void (exporterOf(o).livenessProbe!.httpGet!.path = '/metrics'),
      /livenessProbe: path \/metrics/,
    ],
    ['no readiness', (o) => void delete exporterOf(o).readinessProbe, /readinessProbe: no httpGet/],
    ['no toleration', (o) => void delete pod(o).tolerations, /operator: Exists/],
    [
      'NODE_NAME from the pod name',
      (o) => void (exporterOf(o).env![0].valueFrom!.fieldRef!.fieldPath = 'metadata.name'),
      /NODE_NAME/,
    ],
    [
      'OnDelete',
      (o) => void (daemonSetOf(o).spec!.updateStrategy = { type: 'OnDelete' }),
      /updateStrategy is OnDelete/,
    ],
    [
      '--path.procfs not the /proc mount',
      (o) => setArg(o, 'path.procfs', '/proc'),
      /--path.procfs=\/proc but \/proc is mounted at \/host\/proc/,
    ],
    ['no --path.sysfs', (o) => setArg(o, 'path.sysfs', undefined), /--path.sysfs missing/],
    [
      'the socket outside --path.rootfs',
      (o) => void (mount(o, 'cri-socket').mountPath = '/containerd.sock'),
      /cri-socket: at \/containerd.sock, not at \/host\/run/,
    ],
    [
      'a Docker socket flag',
      (o) => setArg(o, 'docker.socket', '/var/run/docker.sock'),
      /--docker.socket is "\/var\/run\/docker.sock"/,
    ],
  ];
  test.each(mutations)('fails on %s', (_name, mutate, expected) => {
    const objects = structuredClone(base);
    mutate(objects);
    const violations = leastPrivilegeViolations(objects);
    expect(violations.join('\n')).toMatch(expected);
  });
});

describe('wiring', () => {
  test.each([
    ['base', () => base],
    ['overlay', () => overlay],
  ])('%s: the selectors, the service account and the metrics port line up', (_name, objects) => {
    const o = objects();
    const ds = daemonSetOf(o);
    const podLabels = ds.spec?.template.metadata?.labels;
    expect(labelsMatch(ds.spec?.selector.matchLabels, podLabels)).toBe(true);
    expect(podLabels).toMatchObject({
      'app.kubernetes.io/name': 'isoscope-exporter',
      'app.kubernetes.io/component': 'exporter',
    });
    expect(ds.spec?.template.spec?.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable).toBe(1);

    const svc = o.find(isKind<IService>('Service'))!;
    expect(svc.spec?.clusterIP).toBe('None');
    expect(labelsMatch(svc.spec?.selector, podLabels)).toBe(true);
    expect(svc.spec?.ports).toEqual([{ name: 'metrics', port: 9820, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(exporterOf(o).ports).toEqual([{ name: 'metrics', containerPort: 9820, protocol: 'TCP' }]);
    expect(flagsOf(exporterOf(o).args ?? []).get('web.listen-address')).toBe(':9820');
  });

  test.each([
    ['base', () => base],
    ['overlay', () => overlay],
  ])('%s: the exporter accepts the args, and --cri.socket=auto finds the mounted socket', (_name, objects) => {
    const o = objects();
    const parsed = parseArgs(exporterOf(o).args ?? []);
    if (parsed.kind !== 'run') throw new Error(`args parse as --${parsed.kind}`);
    expect(parsed.options).toMatchObject({
      procfs: '/host/proc',
      sysfs: '/host/sys',
      rootfs: '/host',
      dockerSocket: '',
      criSocket: 'auto',
      listenAddress: ':9820',
    });
    // auto takes the first candidate that exists: the one mounted must be the only candidate under rootfs.
    const mounted = (exporterOf(o).volumeMounts ?? [])
      .map((m) => m.mountPath)
      .filter((p) => p.startsWith(`${parsed.options.rootfs}/`));
    const candidates = CRI_SOCKETS.map((rel) => path.posix.join(parsed.options.rootfs, rel));
    expect(mounted.filter((p) => candidates.includes(p))).toHaveLength(1);
  });

  test('base: the containerd socket; overlay: the CRI-O one, in place of it', () => {
    const socketOf = (o: Manifest[]) => ({
      volume: pod(o)
        .volumes!.filter((v) => v.name === 'cri-socket')
        .map((v) => v.hostPath),
      mounts: exporterOf(o)
        .volumeMounts!.filter((m) => m.name === 'cri-socket')
        .map((m) => m.mountPath),
    });
    const pod = (o: Manifest[]) => daemonSetOf(o).spec!.template.spec!;
    expect(socketOf(base)).toEqual({
      volume: [{ path: '/run/containerd/containerd.sock', type: 'Socket' }],
      mounts: ['/host/run/containerd/containerd.sock'],
    });
    expect(socketOf(overlay)).toEqual({
      volume: [{ path: '/var/run/crio/crio.sock', type: 'Socket' }],
      mounts: ['/host/var/run/crio/crio.sock'],
    });
    expect(exporterOf(overlay).volumeMounts).toHaveLength(3);
  });

  test('the ServiceMonitor selects the headless Service, port metrics every 30 s, and names targets by node', () => {
    const sm = overlay.find((o) => o.kind === 'ServiceMonitor') as ServiceMonitor;
    const svc = overlay.find(isKind<IService>('Service'))!;
    expect(sm.metadata.namespace).toBe(svc.metadata?.namespace);
    expect(labelsMatch(sm.spec.selector.matchLabels, svc.metadata?.labels)).toBe(true);
    expect(sm.spec.endpoints).toHaveLength(1);
    const [ep] = sm.spec.endpoints;
    expect(ep).toMatchObject({ port: 'metrics', interval: '30s', honorLabels: true });
    expect(svc.spec?.ports?.map((p) => p.name)).toContain(ep.port);
    const copies = (target: string) =>
      ep.relabelings?.some(
        (r) =>
          (r.action ?? 'replace') === 'replace' &&
          r.targetLabel === target &&
          r.sourceLabels?.join() === '__meta_kubernetes_pod_node_name'
      );
    expect(copies('node')).toBe(true);
    expect(copies('instance')).toBe(true);
  });
});
