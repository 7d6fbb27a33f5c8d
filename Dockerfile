# syntax=docker/dockerfile:1
# The operator image: `cpi run` by default; the same image runs `cpi emulator` (deploy/overlays/kind-emulator).
#   npm run image:build        (podman, buildah or docker; docs/deploy.md "The image")
#   docker build -t cpi:dev .
# NODE_IMAGE builds (Node 24 and npm). RUNTIME_IMAGE runs: only the C and C++ runtime libraries
# the node binary links (no shell, no npm); node itself is copied from the build stage.
ARG NODE_IMAGE=docker.io/library/node:24-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# 1. Compile TypeScript to dist/ with the full toolchain.
FROM ${NODE_IMAGE} AS build
# Set (with the bundle mounted there) to build behind a TLS-inspecting proxy: npm run image:build -- --ca-bundle PATH
ARG NODE_EXTRA_CA_CERTS
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# `cpi run` as one bundle (dist/cpi-run.mjs, which bin/launch.js runs): far less memory than dist/ + node_modules.
COPY scripts/bundle.ts ./scripts/
RUN npm run build:bundle

# 2. Production dependencies only: no compiler, no test tools, no install scripts. Type
#    declarations and source maps are never loaded at run time (about a third of the size).
FROM ${NODE_IMAGE} AS deps
ARG NODE_EXTRA_CA_CERTS
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete \
    && npm cache clean --force

# 3. The runtime: node, dist, bin and production node_modules, as a non-root user.
FROM ${RUNTIME_IMAGE} AS final
# UID 65532 has no passwd entry; give the AWS SDK's config loader a home that exists.
ENV NODE_ENV=production HOME=/tmp PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /app
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY package.json ./
USER 65532:65532
EXPOSE 8080 8081
# What the container runs: `cpi` with CMD's arguments (`run`; `emulator ...` for the emulator).
ENTRYPOINT ["node", "bin/cpi.js"]
CMD ["run"]
