import { join } from 'node:path';
import type { NamespaceReferenceSource, NamespaceType } from '@isoscope/shared';
import type { Logger } from '../log/logger';
import { parseProcStatus } from '../parsers/procStatus';
import { FileReader, ReadErrors } from '../files/reader';
import { readNamespaces } from './namespaces';

/** Where `--namespace.reference` may take the host's namespaces from (see resolveHostReference). */
export const NAMESPACE_REFERENCES = ['auto', 'pid1', 'self'] as const;
export type NamespaceReferenceChoice = (typeof NAMESPACE_REFERENCES)[number];

/** The host's namespaces and capability bounding set, which containers are compared with. */
export interface HostReference {
  source: NamespaceReferenceSource;
  namespaces: Map<NamespaceType, number>;
  /** The host's full capability bounding set: a container whose effective set equals it is privileged-like. */
  capBnd: bigint | undefined;
}

/**
 * The host's namespaces are those of PID 1 of the host PID namespace (`<procfs>/1/ns`). Reading them needs
 * ptrace-read access to PID 1 (root with CAP_SYS_PTRACE, and the host PID namespace when the exporter runs
 * in a container). Where that is denied, `auto` falls back to the exporter's own namespaces: right when the
 * exporter runs directly on the host, wrong for the types a containerised exporter does not share with the
 * host — so the choice is logged and exposed as isoscope_namespace_reference_info{source}.
 */
export function resolveHostReference(
  procfs: string,
  choice: NamespaceReferenceChoice,
  log: Logger,
  selfProcfs = '/proc'
): HostReference {
  const quiet = new FileReader(new ReadErrors(log), 'reference');
  if (choice !== 'self') {
    const namespaces = readNamespaces(quiet, join(procfs, '1', 'ns'));
    if (namespaces.size > 0) {
      return { source: 'pid1', namespaces, capBnd: readCapBnd(quiet, join(procfs, '1', 'status')) };
    }
    if (choice === 'pid1') {
      throw new Error(
        `--namespace.reference=pid1: cannot read ${join(procfs, '1', 'ns')} (run as root with CAP_SYS_PTRACE, and with the host PID namespace in a container)`
      );
    }
    log.warn("host namespaces unreadable; comparing containers with the exporter's own namespaces instead", {
      path: join(procfs, '1', 'ns'),
      hint: 'run as root with CAP_SYS_PTRACE and the host PID namespace, or pass --namespace.reference=self to silence this',
    });
  }
  return {
    source: 'self',
    namespaces: readNamespaces(quiet, join(selfProcfs, 'self', 'ns')),
    capBnd: readCapBnd(quiet, join(selfProcfs, 'self', 'status')),
  };
}

function readCapBnd(reader: FileReader, path: string): bigint | undefined {
  return reader.parse(path, (text) => parseProcStatus(text).capBnd);
}
