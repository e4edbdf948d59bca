# One image for every CashTrack process; compose picks the entry point per service.
# Node 22 LTS in the image (our machines run Node 20; both are supported).
FROM node:22-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these to node_modules (patch-package).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY platform ./platform
COPY events ./events
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY parser ./parser
COPY schema ./schema
# The app's operations: metrics count them by name outside the cap on client-chosen names.
COPY app/src/api/operations.graphql ./app/src/api/operations.graphql
USER node
# SERVICE_ENTRY names the process, e.g. subgraphs/auth/src/index.ts (set per service in compose).
CMD ["sh", "-c", "exec node --import tsx \"$SERVICE_ENTRY\""]
