import { pino, type Logger } from 'pino';
import { currentCorrelationId } from './correlation.ts';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout, one logger per process component. The correlation id of the request or
 * event being handled is added to every line from the async context, so handlers never pass it.
 * Command-line tools log to stderr so their stdout stays their answer.
 * `LOG_LEVEL` sets the level (default `info`; `silent` in tests unless set).
 */
export function createLogger(component: string, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  return pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
    },
    pino.destination(stream === 'stdout' ? 1 : 2),
  );
}
