import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local OTLP/HTTP endpoint that takes trace exports and throws them away. */
export interface OtlpSink {
  /** For `OTEL_EXPORTER_OTLP_ENDPOINT`: exporters post to `${endpoint}/v1/traces`. */
  readonly endpoint: string;
  /** Export requests and bytes received so far: proof that spans really left the processes. */
  received(): { readonly requests: number; readonly bytes: number };
  stop(): Promise<void>;
}

/**
 * Accepts `POST /v1/traces` in either OTLP encoding and answers an empty success (an empty
 * protobuf message is zero bytes; JSON `{}`), so exporters cost what they would against a
 * collector, minus the collector's own work, which is not ours to measure.
 */
export async function startOtlpSink(): Promise<OtlpSink> {
  let requests = 0;
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    request.on('end', () => {
      const known = request.method === 'POST' && request.url === '/v1/traces';
      if (known) requests += 1;
      const json = request.headers['content-type']?.includes('json') === true;
      response.statusCode = known ? 200 : 404;
      response.setHeader('content-type', json ? 'application/json' : 'application/x-protobuf');
      response.end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received: () => ({ requests, bytes }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
