/**
 * The coordinator's connection to one worker: unary calls of the GasWorker
 * service, each carrying its credential (auth.ts). The request is serialized
 * here, once, so that the credential can name the exact bytes that go out.
 */
import * as grpc from '@grpc/grpc-js';
import type { ClusterSecret } from './auth.js';
import { CREDENTIAL_KEY } from './auth.js';
import type { ClusterSecurity } from './security.js';
import { channelCredentials } from './grpc-credentials.js';
import { CHANNEL_OPTIONS, gasWorkerMethods, type MethodDefinition } from './wire.js';

const passBytes = (bytes: Buffer): Buffer => bytes;

export class WorkerClient {
  private readonly client: grpc.Client;
  private readonly methods: Record<string, MethodDefinition>;

  constructor(
    readonly address: string,
    security: ClusterSecurity | undefined,
    private readonly secret: ClusterSecret,
  ) {
    this.client = new grpc.Client(address, channelCredentials(security), CHANNEL_OPTIONS);
    this.methods = gasWorkerMethods();
  }

  /** Call `method` (its name in gasworks.proto) with `request`; fails with grpc's ServiceError. */
  call<Res>(method: string, request: object, deadline: number): Promise<Res> {
    const definition = this.methods[method];
    if (definition === undefined) return Promise.reject(new Error(`gasworks cluster: no method ${method} in gasworks.proto`));
    const bytes = definition.requestSerialize(request);
    const metadata = new grpc.Metadata();
    const credential = this.secret.sign(definition.path, bytes);
    if (credential !== null) metadata.set(CREDENTIAL_KEY, credential);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(definition.path, passBytes, definition.responseDeserialize as (b: Buffer) => Res, bytes, metadata, { deadline }, (error, reply) => (error ? reject(error) : resolve(reply as Res)));
    });
  }

  close(): void {
    this.client.close();
  }
}
