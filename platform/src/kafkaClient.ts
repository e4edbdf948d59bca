import { Kafka, logLevel } from 'kafkajs';

export interface KafkaClientOptions {
  /** Names the process in broker logs, e.g. `auth`. */
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** How long one connection attempt may take, in ms. Default 3 000. */
  readonly connectionTimeoutMs?: number;
}

/**
 * A kafkajs client with our defaults: errors only (kafkajs is chatty at info, and its lines are
 * not our JSON), a short connection timeout so an outage shows quickly in readiness and logs.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.ERROR,
  });
}
