import type { Collection, Db } from 'mongodb';
import type { EventOfType } from '@cashtrack/events';
import { emptyVocabulary, learnFrom, type LearnedTerm, type Vocabulary } from './learnedTerms.ts';

/**
 * The per-user vocabulary read model in the parser's database: one document per user
 * (`_id` = userId), projected from `ExpenseCategoryCorrected` on `cashtrack.expenses`.
 * Like every read model it can be dropped and rebuilt by replaying the topic; applying a
 * correction twice changes nothing (`learnFrom`). One user's events share a partition, so one
 * consumer applies them in order and the read-then-replace below never races with itself.
 */

export const vocabularyCollectionName = 'vocabulary';

export type VocabularyDocument = Vocabulary & { readonly _id: string };

export function vocabularyCollection(db: Db): Collection<VocabularyDocument> {
  return db.collection<VocabularyDocument>(vocabularyCollectionName);
}

export async function applyCorrection(
  collection: Collection<VocabularyDocument>,
  event: EventOfType<'ExpenseCategoryCorrected'>,
): Promise<void> {
  const current = await collection.findOne({ _id: event.userId });
  const before = current ?? emptyVocabulary;
  const after = learnFrom(before, event.payload);
  if (after === before) return;
  await collection.replaceOne(
    { _id: event.userId },
    { terms: after.terms, corrections: after.corrections },
    { upsert: true },
  );
}

/**
 * The terms each of `userIds` taught the parser, in one read; none for a person who never
 * corrected anything.
 */
export async function learnedTermsOfUsers(
  collection: Collection<VocabularyDocument>,
  userIds: readonly string[],
): Promise<ReadonlyMap<string, readonly LearnedTerm[]>> {
  const documents = await collection
    .find({ _id: { $in: [...userIds] } }, { projection: { terms: 1 } })
    .toArray();
  const found = new Map(documents.map((document) => [document._id, document.terms]));
  return new Map(userIds.map((userId) => [userId, found.get(userId) ?? []]));
}
