/**
 * The coordinator's connection to one worker: unary calls of the GasWorker
 * service, each carrying its credential (auth.ts). The request is serialized
 * here, once, so that the credential can name the exact bytes that go out.
 */
import * as grpc from '@grpc/grpc-js';
import type { ClusterSecret } from './auth.js';
import { CREDENTIAL_KEY, REPLY_MAC_KEY } from './auth.js';
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

  /** The worker's id for this start (Hello), asked once: credentials name it. */
  private workerId: Promise<string> | null = null;

  /** Call `method` (its name in gasworks.proto) with `request`; fails with grpc's ServiceError. */
  async call<Res>(method: string, request: object, deadline: number): Promise<Res> {
    const definition = this.methods[method];
    if (definition === undefined) throw new Error(`gasworks cluster: no method ${method} in gasworks.proto`);
    const bytes = definition.requestSerialize(request);
    const metadata = new grpc.Metadata();
    if (this.secret.required && method !== 'Hello') {
      this.workerId ??= this.send<{ worker: string }>(this.methods.Hello, this.methods.Hello.requestSerialize({}), new grpc.Metadata(), deadline).then((r) => r.worker);
      let worker: string;
      try {
        worker = await this.workerId;
      } catch (error) {
        this.workerId = null;
        throw error;
      }
      const credential = this.secret.sign(definition.path, worker, bytes)!;
      metadata.set(CREDENTIAL_KEY, credential);
      // The reply must carry its MAC for this call (auth.ts): a reply from anyone without the token is refused.
      return this.send<Res>(definition, bytes, metadata, deadline, (mac, reply) => this.secret.checkReply(mac, definition.path, worker, credential, reply));
    }
    return this.send<Res>(definition, bytes, metadata, deadline);
  }

  private send<Res>(definition: MethodDefinition, bytes: Buffer, metadata: grpc.Metadata, deadline: number, replyIsGood?: (mac: string | undefined, reply: Buffer) => boolean): Promise<Res> {
    return new Promise((resolve, reject) => {
      let mac: string | undefined;
      const call = this.client.makeUnaryRequest(definition.path, passBytes, passBytes, bytes, metadata, { deadline }, (error, reply) => {
        if (error) return reject(error);
        if (replyIsGood !== undefined && !replyIsGood(mac, reply!)) {
          return reject(new Error(`its reply fails its MAC (not a worker of this cluster, or altered on the way)`));
        }
        try {
          resolve(definition.responseDeserialize(reply!) as Res);
        } catch (e) {
          reject(e);
        }
      });
      call.on('metadata', (received: grpc.Metadata) => {
        const value = received.get(REPLY_MAC_KEY)[0];
        mac = typeof value === 'string' ? value : undefined;
      });
    });
  }

  close(): void {
    this.client.close();
  }
}
