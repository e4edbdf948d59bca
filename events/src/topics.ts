/** The event topics of DESIGN.md. Every name may carry a prefix (tests use a unique one per file). */
export const topics = {
  users: 'cashtrack.users',
  expenseMessages: 'cashtrack.expense-messages',
  expenses: 'cashtrack.expenses',
  /**
   * `AccessTokenRevoked`, `SessionRevoked`: access tokens refused before they expire; every
   * verifier reads the last 15 minutes.
   */
  accessTokenRevocations: 'cashtrack.access-token-revocations',
} as const;

export type TopicKey = keyof typeof topics;
export type TopicName = (typeof topics)[TopicKey];

/** Where a consumer parks messages it cannot handle: `<topic>.dlq`, next to the source topic. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** The event topics with `prefix` in front, e.g. `topicNames('t-x-').users`. */
export function topicNames(prefix = ''): { readonly [K in TopicKey]: string } {
  return {
    users: `${prefix}${topics.users}`,
    expenseMessages: `${prefix}${topics.expenseMessages}`,
    expenses: `${prefix}${topics.expenses}`,
    accessTokenRevocations: `${prefix}${topics.accessTokenRevocations}`,
  };
}

/** Every topic `ensureTopics` creates: the event topics and their dead-letter topics. */
export function allTopicNames(prefix = ''): string[] {
  const eventTopics = Object.values(topicNames(prefix));
  return [...eventTopics, ...eventTopics.map(deadLetterTopic)];
}
