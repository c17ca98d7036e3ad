/**
 * What it takes to run the built exporter inside a container of the test Docker engine: no image can be
 * pulled here, so the container is the busybox test image with this host's Node.js and the built repository
 * bind-mounted in, read-only.
 */
import { dirname, join } from 'node:path';

/** The repository root, mounted at /app. */
export const REPO = join(__dirname, '..', '..', '..', '..');

/** `docker run` mounts: the repository at /app, and what this host's node binary needs to run. */
export function exporterMounts(): string[] {
  const node = process.execPath;
  const dirs = new Set(['/lib', '/lib64', '/usr/lib', dirname(node)]);
  return ['-v', `${REPO}:/app:ro`, ...[...dirs].flatMap((d) => ['-v', `${d}:${d}:ro`])];
}

/** The command that runs the exporter in that container with `args`; logs go to stdout for `docker logs`. */
export function exporterCommand(args: string[]): string[] {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['sh', '-c', `exec ${process.execPath} /app/packages/exporter/dist/cli.js ${quoted} 2>&1`];
}
