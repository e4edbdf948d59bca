import type { Db } from 'mongodb';
import type { ExpenseMessagesCollection } from './expenseMessagesReadModel.ts';
import type { ExpensesCollection } from './expensesReadModel.ts';
import { readModelNames } from './readModelNames.ts';
import type { SpendingTotalsCollection } from './spendingTotalsReadModel.ts';
import type { UserSettingsCollection } from './userSettingsReadModel.ts';

/** The live read model collections of `expenseServiceDB`, as queries and commands read them. */
export interface ExpenseReadModels {
  readonly expenses: ExpensesCollection;
  readonly expenseMessages: ExpenseMessagesCollection;
  readonly spendingTotals: SpendingTotalsCollection;
  readonly userSettings: UserSettingsCollection;
}

/** A collection handle is only a name, so a rebuilt collection swapped in under it is used at once. */
export function expenseReadModels(db: Db): ExpenseReadModels {
  return {
    expenses: db.collection(readModelNames.expenses),
    expenseMessages: db.collection(readModelNames.expenseMessages),
    spendingTotals: db.collection(readModelNames.spendingTotals),
    userSettings: db.collection(readModelNames.userSettings),
  };
}
