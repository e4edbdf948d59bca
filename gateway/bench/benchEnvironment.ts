/**
 * Imported first by the gateway bench, before any module reads the environment:
 *
 * - every component logs at `warn` unless `LOG_LEVEL` says otherwise, so stdout carries the
 *   bench's answer rather than a line per request (`LOG_LEVEL=info npm run bench:gateway >
 *   /dev/null` measures with the gateway's request log on);
 * - `@apollo/gateway`'s OpenTelemetry resource detection does not probe for a cloud metadata
 *   server, so the bench talks to loopback only;
 * - every process (gateways, subgraphs, load generators inherit this environment) runs with
 *   `NODE_ENV=production`, as the Dockerfile sets it: graphql-js skips its development-only
 *   cross-realm `instanceof` check then, a few per cent of a subgraph's CPU, and a gateway
 *   measured without it would not be the one deployed. Production wants a real
 *   `SUBGRAPH_SHARED_SECRET`, so the bench makes one for its run.
 */
import { randomBytes } from 'node:crypto';

process.env.LOG_LEVEL ??= 'warn';
process.env.NODE_ENV ??= 'production';
process.env.SUBGRAPH_SHARED_SECRET ??= randomBytes(32).toString('hex');
process.env.METADATA_SERVER_DETECTION ??= 'none';
