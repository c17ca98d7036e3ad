/**
 * A CRI runtime that answers from a recorded snapshot (test/fixtures/cri), over a real gRPC server on a unix
 * socket, with the exporter's own .proto: what the CRI source sees on the wire is what containerd or CRI-O
 * would send for the same answers. Counts every call; can be told to hang or fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from '../../../src/runtime/cri/messages';

const PROTO_DIR = join(__dirname, '..', '..', '..', 'src', 'runtime', 'cri');

export interface CriRecording {
  version: object;
  sandboxes: Array<{ id: string; labels: Record<string, string> }>;
  statuses: Record<string, object>;
  containers: Array<{ id: string; labels: Record<string, string> }>;
  images: object[];
}

export function recording(name: 'containerd-1.6' | 'cri-o-1.28'): CriRecording {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'cri', `${name}.json`), 'utf8')
  ) as CriRecording;
}

export interface FakeRuntime {
  socketPath: string;
  /** Calls by method name. */
  calls: Map<string, number>;
  /** What the next answers are made of; change it to change the runtime. */
  answers: CriRecording;
  /** 'hang': never answer; 'fail': answer UNAVAILABLE; undefined: answer. */
  mode: 'hang' | 'fail' | undefined;
  close(): Promise<void>;
}

export async function startFakeRuntime(answers: CriRecording): Promise<FakeRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'isoscope-fake-cri-'));
  const socketPath = join(dir, 'cri.sock');
  const definition = protoLoader.loadSync(join(PROTO_DIR, 'services.proto'), {
    ...LOADER_OPTIONS,
    includeDirs: [PROTO_DIR],
  });
  const pkg = grpc.loadPackageDefinition(definition) as any;
  const server = new grpc.Server();
  const fake: FakeRuntime = {
    socketPath,
    calls: new Map(),
    answers,
    mode: undefined,
    close: async () => {
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const pending: Array<() => void> = [];
  const unary =
    (method: string, answer: (request: any) => object | Error) =>
    (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      fake.calls.set(method, (fake.calls.get(method) ?? 0) + 1);
      if (fake.mode === 'hang') {
        pending.push(() => callback({ code: grpc.status.CANCELLED, details: 'shutting down' }));
        return;
      }
      if (fake.mode === 'fail') return callback({ code: grpc.status.UNAVAILABLE, details: 'runtime is restarting' });
      const result = answer(call.request);
      if (result instanceof Error) callback({ code: grpc.status.NOT_FOUND, details: result.message });
      else callback(null, result);
    };
  server.addService(pkg.runtime.v1.RuntimeService.service, {
    Version: unary('Version', () => fake.answers.version),
    ListPodSandbox: unary('ListPodSandbox', () => ({ items: fake.answers.sandboxes })),
    PodSandboxStatus: unary('PodSandboxStatus', (req) => {
      const status = fake.answers.statuses[req.pod_sandbox_id];
      return status ? { status, info: {} } : new Error(`pod sandbox ${req.pod_sandbox_id} not found`);
    }),
    ListContainers: unary('ListContainers', () => ({ containers: fake.answers.containers })),
  });
  server.addService(pkg.runtime.v1.ImageService.service, {
    ListImages: unary('ListImages', () => ({ images: fake.answers.images })),
  });
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve()
    )
  );
  const close = fake.close;
  fake.close = async () => {
    for (const answer of pending.splice(0)) answer();
    await close();
  };
  return fake;
}
