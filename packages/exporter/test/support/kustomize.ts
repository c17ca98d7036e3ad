/**
 * deploy/kubernetes as kubectl renders it (`kubectl kustomize`, no cluster needed): what `kubectl apply -k`
 * would send.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const DEPLOY_DIR = path.join(__dirname, '..', '..', '..', '..', 'deploy', 'kubernetes');

export function findKubectl(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'kubectl');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    `kubectl not found (looked in PATH and /usr/bin, /usr/local/bin): these tests render deploy/kubernetes with ` +
      '`kubectl kustomize`, which needs kubectl 1.14 or later (no cluster needed). Install kubectl and run again.'
  );
}

/** Every object `kubectl kustomize dir` renders. */
export function renderKustomization(dir = DEPLOY_DIR, kubectl = findKubectl()): any[] {
  let out: string;
  try {
    out = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr || e.message}`);
  }
  const objects: any[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length)
      throw new Error(`kubectl kustomize ${dir}: bad YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value == null) continue;
    objects.push(value);
  }
  return objects;
}

/** The rendered base's DaemonSet. */
export function renderedDaemonSet(dir = DEPLOY_DIR): any {
  const ds = renderKustomization(dir).find((o) => o.kind === 'DaemonSet');
  if (!ds) throw new Error(`no DaemonSet in ${dir}`);
  return ds;
}
