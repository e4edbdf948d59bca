import { Counter, type Registry } from 'prom-client';

/**
 * Counts requests a rate limit refused, by which of `limits` (a fixed list each process names,
 * e.g. the gateway's `root_field`, auth's `log_in` and `sign_up`). Every limit's series exists
 * from the start, at 0.
 */
export function rateLimitCounter<Limit extends string>(
  registry: Registry,
  limits: readonly Limit[],
): (limit: Limit) => void {
  const refused = new Counter({
    name: 'rate_limited_requests_total',
    help: 'Requests refused by a rate limit or throttle, by limit.',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  for (const limit of limits) refused.inc({ limit }, 0);
  return (limit) => refused.inc({ limit });
}
