/** The collections of `expenseServiceDB`, each a read model the projector alone writes. */
export const readModelNames = {
  /** One document per expense (a tombstone once deleted), with its version and last event ids. */
  expenses: 'expenses',
  /** One document per chat message: text, outcome, the expenses parsed from it. */
  expenseMessages: 'expenseMessages',
  /** Monthly spending buckets, kept beside `expenses` and rebuilt with it. */
  spendingTotals: 'spendingTotals',
  /** Each user's currency and time zone, from `cashtrack.users`. */
  userSettings: 'userSettings',
} as const;

export type ReadModelName = (typeof readModelNames)[keyof typeof readModelNames];
