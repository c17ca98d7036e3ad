/**
 * The CRI v1 answers the exporter reads, as @grpc/proto-loader decodes them with LOADER_OPTIONS: field names
 * as in the .proto (snake_case), enums as their names, absent scalars as their defaults ("" and 0), absent
 * maps as {}, absent repeated fields as [] and absent messages as null. Only the fields in types.proto.
 */
export const LOADER_OPTIONS = {
  keepCase: true,
  // int64 fields (image sizes) as strings: exact beyond 2^53, and none is read as a number.
  longs: String,
  enums: String,
  defaults: true,
  oneofs: false,
} as const;

export type CriNamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export interface CriPodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface CriPodSandbox {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
  labels: Record<string, string>;
}

export interface CriNamespaceOption {
  network: CriNamespaceMode;
  pid: CriNamespaceMode;
  ipc: CriNamespaceMode;
  target_id: string;
  userns_options: { mode: CriNamespaceMode } | null;
}

export interface CriPodSandboxStatus {
  id: string;
  metadata: CriPodSandboxMetadata | null;
  linux: { namespaces: { options: CriNamespaceOption | null } | null } | null;
  labels: Record<string, string>;
}

export interface CriImageSpec {
  image: string;
  user_specified_image: string;
}

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number } | null;
  image: CriImageSpec | null;
  image_ref: string;
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
  labels: Record<string, string>;
}

export interface CriImage {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
}

export interface CriVersion {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}
