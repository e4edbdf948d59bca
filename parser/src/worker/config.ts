import { envInt, envList, envString } from '@cashtrack/platform';

export interface ParserWorkerConfig {
  /** `PARSER_PORT`, default 4004: `/health`, `/ready`, `/metrics` (loopback callers only); 0 picks a free port. */
  readonly port: number;
  /** `PARSER_HOST`, default 127.0.0.1 (containers set 0.0.0.0). */
  readonly host: string;
  /** `MONGO_URL`; used only for the LLM token budget, so not connected without a model. */
  readonly mongoUrl: string;
  /** `PARSER_DATABASE`, default `parserServiceDB`. */
  readonly database: string;
  readonly kafkaBrokers: readonly string[];
  /** `KAFKA_TOPIC_PREFIX`, default '' (tests use a unique one). */
  readonly topicPrefix: string;
  /** `PARSER_CONSUMER_GROUP`, default `parser-worker` (prefixed like the topics). */
  readonly consumerGroup: string;
}

export function parserWorkerConfigFromEnv(): ParserWorkerConfig {
  return {
    port: envInt('PARSER_PORT', 4004),
    host: envString('PARSER_HOST', '127.0.0.1'),
    mongoUrl: envString('MONGO_URL', 'mongodb://127.0.0.1:27017'),
    database: envString('PARSER_DATABASE', 'parserServiceDB'),
    kafkaBrokers: envList('KAFKA_BROKERS', ['127.0.0.1:9092']),
    topicPrefix: envString('KAFKA_TOPIC_PREFIX', ''),
    consumerGroup: envString('PARSER_CONSUMER_GROUP', 'parser-worker'),
  };
}
