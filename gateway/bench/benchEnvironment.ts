/**
 * Imported first by the gateway bench, before any module reads the environment:
 *
 * - every component logs at `warn` unless `LOG_LEVEL` says otherwise, so stdout carries the
 *   bench's answer rather than a line per request (`LOG_LEVEL=info npm run bench:gateway >
 *   /dev/null` measures with the gateway's request log on);
 * - `@apollo/gateway`'s OpenTelemetry resource detection does not probe for a cloud metadata
 *   server, so the bench talks to loopback only.
 */
process.env.LOG_LEVEL ??= 'warn';
process.env.METADATA_SERVER_DETECTION ??= 'none';
