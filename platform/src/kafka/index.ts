// The Kafka client every process builds the same way (brokers, prefix, MSK IAM when asked).
export { createKafkaClient } from './kafkaClient.ts';
export type { KafkaClientOptions } from './kafkaClient.ts';
