# syntax=docker/dockerfile:1

# The Flagwire service image. Stages:
#   build       every dependency, `npm run build` -> dist/. Also what the compose `demo` service runs
#               (target: build), since the demo needs tsx and the client sources.
#   production  the default (last) stage: production dependencies, dist/ and schema/, user `node`.
# Node 20 is what the project is developed and tested on (package.json engines: >=20.19);
# `--build-arg NODE_VERSION=22` moves both stages at once.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when they change. client/ is an npm workspace:
# npm ci refuses the lockfile unless client/package.json is there too.
COPY package.json package-lock.json ./
COPY client/package.json client/
COPY packages/core/package.json packages/core/
COPY console/package.json console/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS production
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
COPY client/package.json client/
COPY packages/core/package.json packages/core/
COPY console/package.json console/
# --omit=dev still installs optionalDependencies, among them the jongodb MongoDB stand-in: a 20 MB
# database binary that only the tests use, removed here. No production dependency needs its install
# script to run dist/ (the two that have one: esbuild's, for tsx; @apollo/protobufjs's, a notice).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && rm -rf node_modules/@jongodb \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
# The service imports @flagwire/core (a workspace package) as built.
COPY --from=build /app/packages/core/dist ./packages/core/dist
# The admin console's build (its sources stay out: the service serves what `npm run build` made here).
COPY --from=build /app/console/dist ./console/dist
# dist/graphql/schema.js reads ../../schema/flags.graphql: schema/ must sit beside dist/.
COPY schema ./schema
# DATA_DIR defaults to ./data: the embedded store (used when MONGODB_URI is unset) must be able to write
# there. A named volume mounted on /app/data starts with this ownership.
RUN mkdir data && chown node:node data
USER node
EXPOSE 3000
# Liveness only (the process answers); docker-compose.yml checks /readyz, which also needs the store.
# slim has no curl: Node 20's fetch does it. Follows PORT if it is overridden at run time.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# main.ts stops cleanly on SIGTERM within 10 s (streams told to reconnect, sockets closed with 1001).
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
