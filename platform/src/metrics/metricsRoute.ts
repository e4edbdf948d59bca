import type { Registry } from 'prom-client';
import { readSettings } from '../config/setting.ts';
import { sendJson, type HttpRoute } from '../http/httpServer.ts';
import { mayReadMetrics } from './metricsAccess.ts';
import { metricsSettings } from './metricsSettings.ts';

/**
 * `GET /metrics`: the registry in the Prometheus text format, for the callers `mayReadMetrics`
 * lets in. Anyone else gets the same 404 as any unknown path, so probing it tells nothing; so
 * does everyone while metrics are off.
 */
export function metricsRoute(
  registry: Registry,
  access = readSettings(metricsSettings),
): HttpRoute {
  return async (request, response) => {
    const caller = {
      peerAddress: request.socket.remoteAddress,
      authorization: request.headers.authorization,
    };
    if (!access.metricsEnabled || !mayReadMetrics(caller, access.metricsToken)) {
      return sendJson(response, 404, { error: 'not found' });
    }
    const body = await registry.metrics();
    response.statusCode = 200;
    response.setHeader('content-type', registry.contentType);
    response.end(body);
  };
}
