import { topics, type TopicName } from '@cashtrack/events';
import { topicsOf, type ReadModelProjection } from './readModelProjection.ts';

/** One consumer group of the projector: its own fetcher over its own topics. */
export interface ProjectorGroup {
  /** Without the topic prefix. */
  readonly groupId: string;
  /** Unprefixed; no topic is read by two groups. */
  readonly topics: readonly TopicName[];
  /**
   * The group that read these topics before this one existed: a new group starts where that one
   * had committed (groupOffsetsTakeover.ts), not at the start of the topics.
   */
  readonly takesOverFrom?: string;
}

/**
 * The projector's consumer groups. kafkajs fetches again only once every batch of its last
 * fetch is handled, so in one group an ExpenseRecorded (the change subscribers wait for) waited
 * behind the writes of its own message's ExpenseMessageSubmitted batch, fetched just before it.
 * The submissions therefore have a group and a fetcher of their own. The split is by topic, so
 * each event is still projected, and each change reported, by one group; a read model reading
 * topics of both groups (`expenseMessages`) is written by both, which its commuting `$set`s
 * allow, and in the first group still after the expenses, so PARSED never names an expense that
 * cannot be read yet.
 */
export const projectorGroups: readonly ProjectorGroup[] = [
  { groupId: 'expense-projector', topics: [topics.users, topics.expenses] },
  {
    groupId: 'expense-message-projector',
    topics: [topics.expenseMessages],
    takesOverFrom: 'expense-projector',
  },
];

/** The read models `group` writes, in the order of `projections`: those reading its topics. */
export function projectionsOfGroup(
  group: ProjectorGroup,
  projections: readonly ReadModelProjection[],
): ReadModelProjection[] {
  const read: ReadonlySet<string> = new Set(group.topics);
  return projections.filter((projection) =>
    topicsOf(projection, '').some((topic) => read.has(topic)),
  );
}
