/**
 * Every piece of the exporter and of its test support that the bench uses, in one place. The bench measures
 * the built CLI (dist/cli.js) in a child process; what it runs in its own process comes from here: the
 * exporter's hierarchy, discovery and path functions (to derive the floor's operation lists exactly as the
 * exporter walks), its Exporter/Exposition classes (the --profile stage breakdown), the CRI source (the
 * Kubernetes phase), and the test harnesses that start a private Docker engine and a containerd node.
 *
 * These are the sources (`../src`, `../test`, `@isoscope/test-support`), loaded through the bench's TypeScript hook (bench/launch.js),
 * so they type-check with the bench and need no build. When the exporter's or the test support's layout
 * moves, this is the only file of the bench to change.
 */
import * as path from 'node:path';

// The exporter: cgroup layout and discovery.
export { detectHierarchy, cgroupFile, psiFile, procsFile } from '../src/cgroup/hierarchy';
export { walkRoot, MAX_DEPTH } from '../src/cgroup/discovery';
export { identifyContainerPath } from '../src/cgroup/paths';
export { parseMountinfo } from '../src/parsers/mountinfo';
export type { CgroupHierarchy } from '../src/cgroup/hierarchy';

// The exporter: the scrape pipeline, for the in-process stage breakdown.
export { loadEnvironment } from '../src/app';
export { Exporter } from '../src/exporter';
export { Exposition } from '../src/exposition/exposition';
export { DockerMetadataSource } from '../src/runtime/docker';
export { RuntimeMetadata } from '../src/runtime/source';
export { readPseudoFile } from '../src/files/pseudoFile';
export { silentLogger } from '../src/log/logger';

// The exporter: the CRI metadata source (bench/cri.ts).
export { CriMetadataSource } from '../src/runtime/cri/source';

// The metric contract.
export { COLLECTORS, NAMESPACE_TYPES, type CollectorName } from '@isoscope/shared';

// Test support: a private Docker engine and a containerd node with its CRI plugin.
export { startEngine, type Engine, signal, sleep, terminate, watchExit } from '@isoscope/test-support';
export { startCriNode, type CriNode, type RunningPod } from '../test/support/containerd';

/** The exporter package's root, its build output and the CLI users run (what the bench measures). */
export const EXPORTER_PACKAGE = path.resolve(__dirname, '..');
export const EXPORTER_DIST = path.join(EXPORTER_PACKAGE, 'dist');
export const EXPORTER_CLI = path.join(EXPORTER_DIST, 'cli.js');
/** The monorepo root (turbo builds, docs/benchmarks.md). */
export const REPO_ROOT = path.resolve(EXPORTER_PACKAGE, '..', '..');

/**
 * How the CPU profile summary (bench/profile.ts) groups the exporter's own code into areas: a frame whose
 * script URL contains the first string is counted under the second (first match wins; anything else under
 * dist/ is "exporter other (JS)").
 */
export const PROFILE_AREAS: ReadonlyArray<readonly [string, string]> = [
  ['/dist/exposition/', 'exposition (JS)'],
  ['/dist/scrape/', 'collectors + parsers (JS)'],
  ['/dist/collectors/', 'collectors + parsers (JS)'],
  ['/dist/parsers/', 'collectors + parsers (JS)'],
  ['/dist/files/', 'collectors + parsers (JS)'],
  ['/dist/procfs/', 'collectors + parsers (JS)'],
  ['/dist/cgroup/', 'discovery (JS)'],
];
