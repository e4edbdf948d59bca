import { CodedError } from '@cashtrack/platform';

/**
 * The dead-letter message format: the original key, value and headers untouched (so the message
 * can be inspected or re-published as it was), plus `dlq-*` headers saying why and from where.
 */
export const deadLetterHeaders = {
  errorCode: 'dlq-error-code',
  errorMessage: 'dlq-error-message',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
type Headers = Readonly<Record<string, HeaderValue>>;

/** A consumed message, structurally a kafkajs `KafkaMessage`. */
export interface SourceMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly offset: string;
  readonly headers?: Headers;
}

export interface DeadLetterInput {
  readonly message: SourceMessage;
  readonly error: unknown;
  readonly topic: string;
  readonly partition: number;
  readonly groupId: string;
  /** Handler attempts made; 0 when the message could not even be decoded. */
  readonly attempts: number;
  readonly now: Date;
}

export interface DeadLetterMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly headers: Record<string, HeaderValue>;
}

const maxErrorMessageLength = 2_000;

export function deadLetterMessage(input: DeadLetterInput): DeadLetterMessage {
  const { error } = input;
  const code =
    error instanceof CodedError ? error.code : error instanceof Error ? error.name : 'UNKNOWN';
  const message = (error instanceof Error ? error.message : String(error)).slice(
    0,
    maxErrorMessageLength,
  );
  return {
    key: input.message.key,
    value: input.message.value,
    headers: {
      ...input.message.headers,
      [deadLetterHeaders.errorCode]: code,
      [deadLetterHeaders.errorMessage]: message,
      [deadLetterHeaders.sourceTopic]: input.topic,
      [deadLetterHeaders.sourcePartition]: String(input.partition),
      [deadLetterHeaders.sourceOffset]: input.message.offset,
      [deadLetterHeaders.consumerGroup]: input.groupId,
      [deadLetterHeaders.attempts]: String(input.attempts),
      [deadLetterHeaders.failedAt]: input.now.toISOString(),
    },
  };
}
