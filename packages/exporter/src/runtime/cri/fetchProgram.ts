import { join } from 'node:path';
import { runChildProgram } from '../../child/program';
import { parseBoundedJson, RUNTIME_JSON_LIMITS } from '../../parsers/boundedJson';
import {
  LOADER_OPTIONS,
  type CriContainer,
  type CriImage,
  type CriPodSandbox,
  type CriPodSandboxStatus,
  type CriVersion,
} from './messages';

/**
 * One CRI refresh, in a short-lived child process. gRPC and the .proto loaded into the exporter itself would
 * stay resident for its whole life (grpc-js with Node's http2 and tls, protobufjs, the parsed descriptors;
 * docs/benchmarks.md, "Why the code is shaped this way"), for calls made about once a minute. The child makes
 * the calls, all with one deadline, and writes the decoded answers as JSON; a hung runtime costs the
 * deadline, after which the child is killed.
 */

/** What one refresh brings back. */
export interface CriAnswers {
  version: CriVersion;
  sandboxes: CriPodSandbox[];
  containers: CriContainer[];
  /** PodSandboxStatus of each sandbox not in `knownSandboxes`; null where that call failed. */
  statuses: Record<string, CriPodSandboxStatus | null>;
  /** null when ListImages failed (images known by id keep their id). */
  images: CriImage[] | null;
}

/**
 * The largest gRPC message the child accepts: ~1 KiB per container in ListContainers, so 16 MiB is ~16,000
 * containers. What the child hands back is JSON, bounded again as the exporter parses it (RUNTIME_JSON_LIMITS:
 * 16 MiB and a million values, a few thousand pods' worth), since that parse is in the exporter's own heap.
 */
export const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

interface Request {
  grpc: string;
  protoLoader: string;
  proto: string;
  includeDir: string;
  loaderOptions: Record<string, unknown>;
  socketPath: string;
  /** Absolute deadline of every call, ms since the epoch. */
  deadline: number;
  knownSandboxes: string[];
  maxMessageBytes: number;
}

/** Asks the runtime at `socketPath`; rejects on any failure of the lists, or when `deadline` passes. */
export function fetchCri(socketPath: string, deadline: number, knownSandboxes: Iterable<string>): Promise<CriAnswers> {
  const request: Request = {
    grpc: require.resolve('@grpc/grpc-js'),
    protoLoader: require.resolve('@grpc/proto-loader'),
    proto: join(__dirname, 'services.proto'),
    includeDir: __dirname,
    // `longs: String` and `enums: String` are a constructor, which JSON cannot carry: the child maps the
    // name back.
    loaderOptions: { ...LOADER_OPTIONS, longs: 'String', enums: 'String' },
    socketPath,
    deadline,
    knownSandboxes: [...knownSandboxes],
    maxMessageBytes: MAX_ANSWER_BYTES,
  };
  return runChildProgram<CriAnswers>('cri', criFetchProgram, {
    input: request,
    // The child's own deadline ends its calls; this kills a child that cannot even start in time.
    timeoutMs: Math.max(deadline - Date.now(), 0) + 250,
    // Its answer is parsed here, in the exporter's 256 MiB heap: bounded as the Docker API's is.
    maxBytes: RUNTIME_JSON_LIMITS.maxBytes,
    parse: (stdout) => parseBoundedJson(stdout),
  });
}

/** The child's whole program: self-contained, since it runs from its source text (`node -e`). */
export function criFetchProgram(): void {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => (input += d));
  process.stdin.on('end', () => {
    const req = JSON.parse(input) as Request;
    /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports --
       a child program runs from its source text: it can only require, and by the paths it is given. */
    const grpc = require(req.grpc) as typeof import('@grpc/grpc-js');
    const protoLoader = require(req.protoLoader) as typeof import('@grpc/proto-loader');
    /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
    const options: Record<string, unknown> = { includeDirs: [req.includeDir] };
    for (const [k, v] of Object.entries(req.loaderOptions)) options[k] = v === 'String' ? String : v;
    const definition = protoLoader.loadSync(req.proto, options);
    // Service constructors are made at run time from the .proto: the loader has no static types for them.
    type Callback = (err: (Error & { details?: string }) | null, res: Record<string, unknown>) => void;
    type Client = Record<string, (request: object, options: { deadline: number }, cb: Callback) => void>;
    type ClientClass = new (address: string, creds: unknown, options: object) => Client;
    const pkg = grpc.loadPackageDefinition(definition) as unknown as {
      runtime: { v1: { RuntimeService: ClientClass; ImageService: ClientClass } };
    };
    const address = `unix://${req.socketPath}`;
    const channel = { 'grpc.max_receive_message_length': req.maxMessageBytes, 'grpc.default_authority': 'localhost' };
    const runtime = new pkg.runtime.v1.RuntimeService(address, grpc.credentials.createInsecure(), channel);
    const image = new pkg.runtime.v1.ImageService(address, grpc.credentials.createInsecure(), channel);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by mapping.ts
    const call = (client: Client, method: string, request: object): Promise<any> =>
      new Promise((resolve, reject) => {
        client[method](request, { deadline: req.deadline }, (err, res) =>
          err ? reject(new Error(`${method}: ${err.details || err.message}`)) : resolve(res)
        );
      });
    const known = new Set(req.knownSandboxes);
    void (async () => {
      const [version, sandboxes, containers] = await Promise.all([
        call(runtime, 'Version', { version: 'v1' }),
        call(runtime, 'ListPodSandbox', {}).then((r) => r.items),
        call(runtime, 'ListContainers', {}).then((r) => r.containers),
      ]);
      const statuses: Record<string, unknown> = {};
      const statusCalls = (sandboxes as Array<{ id: string }>)
        .filter((s) => !known.has(s.id))
        .map((s) =>
          call(runtime, 'PodSandboxStatus', { pod_sandbox_id: s.id }).then(
            (r) => (statuses[s.id] = r.status),
            () => (statuses[s.id] = null)
          )
        );
      const images = call(image, 'ListImages', {}).then(
        (r) => r.images,
        () => null
      );
      await Promise.all(statusCalls);
      return { version, sandboxes, containers, statuses, images: await images };
    })().then(
      (answers) => {
        process.stdout.write(JSON.stringify(answers), () => process.exit(0));
      },
      (err: Error) => {
        process.stderr.write(`${err.message}\n`);
        process.exit(1);
      }
    );
  });
}
