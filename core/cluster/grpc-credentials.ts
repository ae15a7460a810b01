/**
 * A cluster's security settings (security.ts) as gRPC credentials: TLS on the
 * control channel when the settings carry TLS material, mutual when they carry
 * a CA; plain text otherwise (credentials then ride in each call: auth.ts).
 */
import * as grpc from '@grpc/grpc-js';
import type { ClusterSecurity } from './security.js';

export function serverCredentials(security: ClusterSecurity | undefined): grpc.ServerCredentials {
  const tls = security?.tls;
  if (tls === undefined) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.ca !== undefined);
}

export function channelCredentials(security: ClusterSecurity | undefined): grpc.ChannelCredentials {
  const tls = security?.tls;
  if (tls === undefined) return grpc.credentials.createInsecure();
  return tls.ca !== undefined ? grpc.credentials.createSsl(tls.ca, tls.key, tls.cert) : grpc.credentials.createSsl();
}

