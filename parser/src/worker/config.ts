import {
  kafkaSettings,
  listenSettings,
  mongoSettings,
  readSettings,
  text,
  type ConfigOf,
} from '@cashtrack/platform';

export const parserWorkerSettings = {
  // `/health`, `/ready`, and `/metrics` for callers on this host only.
  ...listenSettings('PARSER', 4004),
  // Used only for the LLM token budget, so not connected without a model.
  ...mongoSettings('PARSER_DATABASE', 'parserServiceDB'),
  ...kafkaSettings,
  consumerGroup: {
    variable: 'PARSER_CONSUMER_GROUP',
    parse: text,
    fallback: 'parser-worker',
    doc: "the worker's consumer group on cashtrack.expense-messages (prefixed like the topics)",
  },
};

export type ParserWorkerConfig = ConfigOf<typeof parserWorkerSettings>;

export function parserWorkerConfigFromEnv(): ParserWorkerConfig {
  return readSettings(parserWorkerSettings);
}
