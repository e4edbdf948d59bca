import type { NextFunction, Request, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { metricsEnabled } from './metricsSettings.ts';

/**
 * Express middleware timing every HTTP request by method, path and status code. The path is
 * one of `knownPaths` or `other`, so a scan of random URLs adds no series.
 */
export function httpMetrics(registry: Registry, knownPaths: readonly string[]) {
  if (!metricsEnabled()) return passOn;
  const known = new Set(knownPaths);
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'HTTP requests served, by method, path (known paths only) and status code.',
    labelNames: ['method', 'path', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    const path = known.has(request.path) ? request.path : 'other';
    const method = request.method === 'GET' || request.method === 'POST' ? request.method : 'other';
    response.once('finish', () =>
      duration.observe(
        { method, path, status_code: response.statusCode },
        (performance.now() - started) / 1_000,
      ),
    );
    next();
  };
}

/** Metrics off: the request goes straight on. */
function passOn(_request: Request, _response: Response, next: NextFunction): void {
  next();
}
