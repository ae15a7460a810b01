# syntax=docker/dockerfile:1
#
# gasworks in a container: by default one cluster worker listening on
# 0.0.0.0:7070 with the cluster's token at /run/secrets/gasworks-token (a
# Docker or Kubernetes secret). Any other command runs the same CLI:
#
#   docker build -t gasworks .
#   docker run --rm gasworks --help
#   docker run --rm --network host -v "$PWD/cluster.token:/run/secrets/gasworks-token:ro" gasworks
#
# A worker's data channel listens on a free (ephemeral) port of its --listen
# host, and the other workers connect to it there: publishing 7070 alone is
# not enough. Use host networking, or put all workers (and the coordinator)
# on one container network. deploy/README.md has Compose and Kubernetes set-ups.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, then tsc -------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would run tsc before the sources are here, and
# the optional native `gl` (gpu.js's headless WebGL) is not needed to compile.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY core core
COPY partitioner partitioner
COPY vertex-programs vertex-programs
COPY apps apps
COPY kernels kernels
# test/ and bench/ are left out by .dockerignore, so tsc compiles what ships.
RUN npx tsc -p .

# --- runtime: production dependencies, dist/ and the gRPC schema -----------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    GASWORKS_HEALTH_ADDRESS=127.0.0.1:7070
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no tsc here (`prepare`), and no native build of the
# optional `gl` package (gpu.js falls back without it; its kernels run on CPU
# or WebAssembly). esbuild's own binary comes as an optional dependency.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist/core dist/core
COPY --from=build /src/dist/partitioner dist/partitioner
COPY --from=build /src/dist/vertex-programs dist/vertex-programs
COPY --from=build /src/dist/apps dist/apps
COPY --from=build /src/dist/kernels dist/kernels
# dist/core/cluster/wire.js loads the schema from ../../../core/cluster/gasworks.proto.
COPY core/cluster/gasworks.proto core/cluster/gasworks.proto

# The base image's unprivileged `node` user, by number (so that Kubernetes'
# runAsNonRoot can verify it). Shipped program modules are cached under
# $HOME/.cache/gasworks (or $XDG_CACHE_HOME/gasworks).
USER 1000:1000
EXPOSE 7070

# The standard gRPC health check (grpc.health.v1, no token needed) against
# $GASWORKS_HEALTH_ADDRESS, plaintext: set it to the worker's own --listen
# port when that is not 7070, and turn the check off for a worker given
# --tls-cert (docker run --no-healthcheck, or healthcheck: disable: true).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const g=require('@grpc/grpc-js'),l=require('@grpc/proto-loader'),{protoPath}=require('grpc-health-check');const H=g.loadPackageDefinition(l.loadSync(protoPath,{enums:String})).grpc.health.v1.Health;new H(process.env.GASWORKS_HEALTH_ADDRESS,g.credentials.createInsecure()).check({service:''},{deadline:Date.now()+4000},(e,r)=>process.exit(!e&&r.status==='SERVING'?0:1))"]

ENTRYPOINT ["node", "dist/apps/cli/main.js"]
CMD ["worker", "--listen", "0.0.0.0:7070", "--token-file", "/run/secrets/gasworks-token"]
