import type { Db } from 'mongodb';
import {
  prepareExpenseMessages,
  type ExpenseMessagesCollection,
} from './expenseMessagesReadModel.ts';
import { prepareExpenses, type ExpensesCollection } from './expensesReadModel.ts';
import { readModelNames } from './readModelNames.ts';
import { prepareSpendingTotals, type SpendingTotalsCollection } from './spendingTotalsReadModel.ts';
import { prepareUserSettings, type UserSettingsCollection } from './userSettingsReadModel.ts';

/** The live read model collections of `expenseServiceDB`. */
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

/** Creates every index at start; idempotent. */
export async function prepareExpenseReadModels(models: ExpenseReadModels): Promise<void> {
  await Promise.all([
    prepareExpenses(models.expenses),
    prepareExpenseMessages(models.expenseMessages),
    prepareSpendingTotals(models.spendingTotals),
    prepareUserSettings(models.userSettings),
  ]);
}
