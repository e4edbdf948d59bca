import { deadLetterHeaders } from '../src/index.ts';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** What a dead-letter message says about its failure. */
export interface DeadLetterInfo {
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly consumerGroup: string;
  readonly attempts: number;
  readonly failedAt: string;
  /** The headers the message had before it was dead-lettered. */
  readonly originalHeaders: Readonly<Record<string, string>>;
}

/** Reads the `dlq-*` headers of a dead letter back, for tests that check what was parked. */
export function readDeadLetter(message: {
  readonly headers?: Readonly<Record<string, HeaderValue>>;
}): DeadLetterInfo {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = (Array.isArray(value) ? value : [value]).map(String).join(',');
  }
  const dlqNames = new Set<string>(Object.values(deadLetterHeaders));
  const originalHeaders = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !dlqNames.has(name)),
  );
  const header = (name: string): string => headers[name] ?? '';
  return {
    errorCode: header(deadLetterHeaders.errorCode),
    errorMessage: header(deadLetterHeaders.errorMessage),
    sourceTopic: header(deadLetterHeaders.sourceTopic),
    sourcePartition: Number(header(deadLetterHeaders.sourcePartition)),
    sourceOffset: header(deadLetterHeaders.sourceOffset),
    consumerGroup: header(deadLetterHeaders.consumerGroup),
    attempts: Number(header(deadLetterHeaders.attempts)),
    failedAt: header(deadLetterHeaders.failedAt),
    originalHeaders,
  };
}
