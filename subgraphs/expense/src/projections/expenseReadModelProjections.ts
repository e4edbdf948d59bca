import type { Db } from 'mongodb';
import { defaultKnownBuckets } from '../config.ts';
import { expenseMessagesProjection } from './expenseMessagesProjection.ts';
import { expensesProjection } from './expensesProjection.ts';
import type { ReadModelProjection } from './readModelProjection.ts';
import { userSettingsProjection } from './userSettingsProjection.ts';

/**
 * Every read model of the expense service, in the order a batch's writes are made: the
 * messages after the expenses, so PARSED never names an expense that cannot be read yet.
 * `knownBuckets`: the totals buckets remembered between batches (see
 * `ExpenseConfig.projectorKnownBuckets`).
 */
export function expenseReadModelProjections(
  knownBuckets = defaultKnownBuckets,
): readonly ReadModelProjection[] {
  return [userSettingsProjection, expensesProjection(knownBuckets), expenseMessagesProjection];
}

/** Creates every read model's indexes; idempotent. */
export async function prepareExpenseReadModels(db: Db): Promise<void> {
  await Promise.all(
    expenseReadModelProjections().map((projection) => projection.bind(db).prepare()),
  );
}
