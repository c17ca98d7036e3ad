import { join } from 'node:path';
import type * as Grpc from '@grpc/grpc-js';
import { LOADER_OPTIONS, type CriContainer, type CriImage, type CriPodSandbox, type CriPodSandboxStatus, type CriVersion } from './messages';

/**
 * A CRI v1 client over the runtime's unix socket: the four read-only calls the exporter makes, each with a
 * deadline. gRPC and the .proto are loaded on first use, so an exporter on a host without a CRI runtime
 * never pays their ~10 MiB and 100–250 ms of loading.
 */

/** The largest answer accepted: ~1 KiB per container in ListContainers, so 16 MiB is ~16,000 containers. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

type Unary = (request: object, options: Grpc.CallOptions, callback: (err: Grpc.ServiceError | null, response?: any) => void) => void;
type ServiceClient = Grpc.Client & Record<string, Unary>;
type ServiceConstructor = new (address: string, credentials: Grpc.ChannelCredentials, options: Grpc.ChannelOptions) => ServiceClient;

let services: { grpc: typeof Grpc; runtime: ServiceConstructor; image: ServiceConstructor } | undefined;

function loadServices(): NonNullable<typeof services> {
  if (!services) {
    const grpc = require('@grpc/grpc-js') as typeof Grpc;
    const protoLoader = require('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
    const definition = protoLoader.loadSync(join(__dirname, 'services.proto'), { ...LOADER_OPTIONS, includeDirs: [__dirname] });
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      runtime: { v1: { RuntimeService: ServiceConstructor; ImageService: ServiceConstructor } };
    };
    services = { grpc, runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  }
  return services;
}

export class CriClient {
  private readonly runtime: ServiceClient;
  private readonly image: ServiceClient;

  constructor(readonly socketPath: string) {
    const { grpc, runtime, image } = loadServices();
    const options: Grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      // A restarted runtime is found again within seconds, not after gRPC's default backoff of up to 2 min.
      'grpc.initial_reconnect_backoff_ms': 500,
      'grpc.max_reconnect_backoff_ms': 5000,
      // The authority of a unix socket is meaningless; containerd and CRI-O ignore it.
      'grpc.default_authority': 'localhost',
    };
    const address = `unix://${socketPath}`;
    const credentials = grpc.credentials.createInsecure();
    this.runtime = new runtime(address, credentials, options);
    // Both services share one channel (grpc-js pools channels with equal address and options).
    this.image = new image(address, credentials, options);
  }

  version(deadline: number): Promise<CriVersion> {
    return call(this.runtime, 'Version', { version: 'v1' }, deadline);
  }

  async listPodSandbox(deadline: number): Promise<CriPodSandbox[]> {
    return (await call<{ items: CriPodSandbox[] }>(this.runtime, 'ListPodSandbox', {}, deadline)).items;
  }

  async podSandboxStatus(id: string, deadline: number): Promise<CriPodSandboxStatus | null> {
    return (await call<{ status: CriPodSandboxStatus | null }>(this.runtime, 'PodSandboxStatus', { pod_sandbox_id: id }, deadline)).status;
  }

  async listContainers(deadline: number): Promise<CriContainer[]> {
    return (await call<{ containers: CriContainer[] }>(this.runtime, 'ListContainers', {}, deadline)).containers;
  }

  async listImages(deadline: number): Promise<CriImage[]> {
    return (await call<{ images: CriImage[] }>(this.image, 'ListImages', {}, deadline)).images;
  }

  close(): void {
    this.runtime.close();
    this.image.close();
  }
}

/** One unary call; rejects with "<Method>: <gRPC status>" on failure, including a missed deadline. */
function call<T>(client: ServiceClient, method: string, request: object, deadline: number): Promise<T> {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline }, (err, response) => {
      if (err) reject(new Error(`${method}: ${err.details || err.message}`, { cause: err }));
      else resolve(response as T);
    });
  });
}
