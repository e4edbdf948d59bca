import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { kafkaAuthenticationFromEnv } from './kafkaIamAuth.ts';
import { fixKafkajsIdleTimerLoop } from './kafkajsIdleTimerFix.ts';
import { checkKafkajsRequestTimeoutsEverySecond } from './kafkajsRequestTimeoutCheck.ts';
import { createLogger } from '../logger.ts';

export interface KafkaClientOptions {
  /** Names the process in broker logs, e.g. `auth`. */
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** How long one connection attempt may take, in ms. Default 3 000. */
  readonly connectionTimeoutMs?: number;
}

const kafkaLog = createLogger('kafkajs');

/**
 * kafkajs's own log lines, as our JSON lines (with the correlation id of the work in progress)
 * instead of its console output.
 */
function logCreator() {
  return ({ namespace, level, log }: LogEntry): void => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
    const entry = { namespace, ...fields };
    if (level === logLevel.ERROR) kafkaLog.error(entry, message);
    else if (level === logLevel.WARN) kafkaLog.warn(entry, message);
    else if (level === logLevel.INFO) kafkaLog.info(entry, message);
    else kafkaLog.debug(entry, message);
  };
}

/**
 * A kafkajs client with our defaults: errors only (kafkajs is chatty at info), logged as our
 * JSON, and a short connection timeout so an outage shows quickly in readiness and logs; and
 * without kafkajs's idle 1 ms timer loop per connection (kafkajsIdleTimerFix.ts), and with its
 * request timeouts looked for once a second, not ten times (kafkajsRequestTimeoutCheck.ts).
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  fixKafkajsIdleTimerLoop();
  checkKafkajsRequestTimeoutsEverySecond();
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    logLevel: logLevel.ERROR,
    logCreator,
    // TLS and SASL only when KAFKA_SASL_MECHANISM asks (Amazon MSK with IAM); off by default.
    ...kafkaAuthenticationFromEnv(),
  });
}
