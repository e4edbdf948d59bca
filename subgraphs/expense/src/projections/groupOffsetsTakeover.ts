import type { Admin } from 'kafkajs';
import type { Logger } from '@cashtrack/platform';

export interface GroupOffsetsTakeover {
  /** The group that read `topic` until now. */
  readonly from: string;
  /** The group that reads it from now on. */
  readonly to: string;
  readonly topic: string;
}

/**
 * What the takeover did: `own` when `to` had committed offsets already (it keeps its place),
 * `none` when `from` had nothing either (the new group starts at the beginning, as on a new
 * system), `taken` when `to` now starts where `from` stood, `refused` when the broker would not
 * set them (another replica's member of `to` is running: it took them over first).
 */
export type TakeoverOutcome = 'own' | 'none' | 'taken' | 'refused';

const noOffset = '-1';

/**
 * Moves a topic's place from one consumer group to a new one, once: a deployment that splits a
 * group keeps its place instead of reading the topic again from the start. Later starts find
 * the new group's own offsets and change nothing. Two replicas racing here set the same offsets,
 * or one is refused because the other's member runs; whatever `from` handles after the copy is
 * read again by `to`, which the projections take idempotently.
 */
export async function takeOverGroupOffsets(
  admin: Admin,
  takeover: GroupOffsetsTakeover,
  log: Logger,
): Promise<TakeoverOutcome> {
  const { from, to, topic } = takeover;
  const committed = async (groupId: string) =>
    (await admin.fetchOffsets({ groupId, topics: [topic] }))
      .flatMap((entry) => entry.partitions)
      .filter((partition) => partition.offset !== noOffset);
  if ((await committed(to)).length > 0) return 'own';
  const previous = await committed(from);
  if (previous.length === 0) return 'none';
  try {
    // kafkajs commits them through a consumer of `to` that joins and leaves at once, which the
    // broker refuses while another member of `to` runs.
    await admin.setOffsets({
      groupId: to,
      topic,
      partitions: previous.map(({ partition, offset }) => ({ partition, offset })),
    });
  } catch (error) {
    log.warn({ err: error, from, to, topic }, 'consumer group offsets not taken over');
    return 'refused';
  }
  log.info({ from, to, topic, partitions: previous.length }, 'consumer group offsets taken over');
  return 'taken';
}
