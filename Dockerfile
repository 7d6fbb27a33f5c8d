# syntax=docker/dockerfile:1
# The operator image: `cpi run` by default; the same image runs `cpi emulator` (deploy/overlays/kind-emulator).
#   docker build -t cpi:dev .
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Compile TypeScript to dist/ with the full toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# `cpi run` as one bundle (dist/cpi-run.mjs, which bin/cpi.js runs): far less memory than dist/ + node_modules.
COPY scripts/bundle.ts ./scripts/
RUN npm run build:bundle

# 2. Production dependencies only: no compiler, no test tools, no install scripts. Type
#    declarations and source maps are never loaded at run time (about a third of the size).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete \
    && npm cache clean --force

# 3. The runtime: dist + bin + production node_modules, as a non-root user with no shell needs.
FROM ${NODE_IMAGE}
# UID 65532 has no passwd entry; give the AWS SDK's config loader a home that exists.
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY package.json package-lock.json ./
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["node", "bin/cpi.js"]
CMD ["run"]
