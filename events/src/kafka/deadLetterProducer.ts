import { Partitioners, type Kafka } from 'kafkajs';
import type { DeadLetterSink } from '../delivery/deliveryCore.ts';
import { deadLetterTopic } from '../topics.ts';

export interface DeadLetterProducer {
  /** Sends a letter to `<topic>.dlq`, acknowledged by every in-sync replica. */
  readonly send: DeadLetterSink;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** A consumer's own producer for its dead letters: idempotent, one request in flight. */
export function createDeadLetterProducer(kafka: Kafka): DeadLetterProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    send: async (sourceTopic, letter) => {
      await producer.send({ topic: deadLetterTopic(sourceTopic), acks: -1, messages: [letter] });
    },
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
  };
}
