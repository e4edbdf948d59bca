import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentCorrelationId } from './correlation.ts';
import { activeTraceIds } from './traceContext.ts';

export type { Logger } from 'pino';

/** `json`: one JSON object a line, for programs. `pretty`: one readable line, for people. */
export type LogFormat = 'json' | 'pretty';

/**
 * Pretty when a person reads the stream (a terminal), JSON when a program does (a pipe, a file,
 * a log collector), so `npm start` is readable in a terminal and `npm start | jq` still works.
 * `LOG_FORMAT=json` or `pretty` overrides it; anything else is ignored rather than fatal, as a
 * logger must never keep a process from starting.
 */
export function chooseLogFormat(
  stream: { readonly isTTY?: boolean },
  override: string | undefined = process.env.LOG_FORMAT,
): LogFormat {
  if (override === 'json' || override === 'pretty') return override;
  return stream.isTTY === true ? 'pretty' : 'json';
}

/**
 * JSON lines on stdout, one logger per process component; readable lines instead when stdout is
 * a terminal (see `chooseLogFormat`). The correlation id of the request or event being handled
 * is added to every line from the async context, so handlers never pass it, and so are the
 * active span's `traceId` and `spanId` when tracing is on.
 * Command-line tools log to stderr so their stdout stays their answer.
 * `LOG_LEVEL` sets the level (default `info`; `silent` in tests unless set).
 */
export function createLogger(component: string, stream: 'stdout' | 'stderr' = 'stdout'): Logger {
  const level = process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? 'silent' : 'info');
  const fd = stream === 'stdout' ? 1 : 2;
  const format = chooseLogFormat(stream === 'stdout' ? process.stdout : process.stderr);
  return pino(
    {
      level,
      base: { component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const correlationId = currentCorrelationId();
        const trace = activeTraceIds();
        if (trace !== undefined)
          return { correlationId, traceId: trace.traceId, spanId: trace.spanId };
        return correlationId ? { correlationId } : {};
      },
    },
    format === 'pretty' ? prettyDestination(fd) : pino.destination(fd),
  );
}

/**
 * pino-pretty as an in-process stream rather than a transport: no worker thread per process,
 * and `sync` so the last lines before `process.exit` are not lost.
 */
function prettyDestination(fd: 1 | 2): DestinationStream {
  return pretty({
    destination: fd,
    sync: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'component',
    messageFormat: '{if component}{component}: {end}{msg}',
  });
}
