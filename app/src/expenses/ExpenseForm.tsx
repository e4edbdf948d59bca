import { useState, type ReactNode } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { categories, categoryLabel } from '../shell/categories';
import { isCalendarDate } from '../shell/dates';
import { minorToDecimal, normaliseAmountInput } from '../money/money';
import { Button } from '../ui/Button';
import { Chips } from '../ui/Chips';
import { Field } from '../ui/Field';
import { colors, spacing } from '../ui/theme';
import type { Expense } from './expenseStore';
import type { ExpenseDraft, Outcome } from './useExpenseActions';

export interface ExpenseFormProps {
  /** The expense to edit; a new one when undefined. */
  readonly expense: Expense | undefined;
  readonly defaultCurrency: string;
  readonly today: string;
  readonly onSave: (draft: ExpenseDraft) => Promise<Outcome>;
  readonly onDelete?: (() => Promise<Outcome>) | undefined;
  readonly onClose: () => void;
}

/** Add or edit one expense: amount, currency, category, description, date. */
export function ExpenseForm({
  expense,
  defaultCurrency,
  today,
  onSave,
  onDelete,
  onClose,
}: ExpenseFormProps): ReactNode {
  const [amount, setAmount] = useState(
    expense === undefined
      ? ''
      : minorToDecimal(expense.amount.amountMinor, expense.amount.currency),
  );
  const [currency, setCurrency] = useState(expense?.amount.currency ?? defaultCurrency);
  const [category, setCategory] = useState(expense?.category ?? 'other');
  const [description, setDescription] = useState(expense?.description ?? '');
  const [occurredOn, setOccurredOn] = useState(expense?.occurredOn ?? today);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const save = (): void => {
    const code = currency.trim().toUpperCase();
    const problems: Record<string, string> = {};
    if (!/^[A-Z]{3}$/.test(code)) problems.currency = 'Three letters, like USD.';
    const normalised = normaliseAmountInput(amount, code);
    if (normalised === undefined || /^0+(\.0+)?$/.test(normalised)) {
      problems.amount = 'An amount greater than 0, like 12.50.';
    }
    if (!isCalendarDate(occurredOn)) problems.occurredOn = 'A date like 2026-11-24.';
    setErrors(problems);
    if (Object.keys(problems).length > 0 || normalised === undefined) return;
    const amountMinor = Number.parseInt(normalised.replace('.', ''), 10);
    setBusy(true);
    // The list shows the change at once and the form closes; the list says if it was refused.
    void onSave({
      amount: normalised,
      amountMinor,
      currency: code,
      category,
      description: description.trim(),
      occurredOn,
    });
    onClose();
  };

  const remove = (): void => {
    if (onDelete === undefined) return;
    setBusy(true);
    void onDelete();
    onClose();
  };

  return (
    <View style={styles.backdrop}>
      <ScrollView
        role="dialog"
        aria-label={expense === undefined ? 'Add expense' : 'Edit expense'}
        style={styles.sheet}
        contentContainerStyle={styles.content}
        keyboardShouldPersistTaps="handled"
      >
        <View style={styles.top}>
          <Text role="heading" style={styles.title}>
            {expense === undefined ? 'Add expense' : 'Edit expense'}
          </Text>
          <View style={styles.actions}>
            <Button label="Cancel" kind="secondary" onPress={onClose} />
            <Button label="Save" onPress={save} busy={busy} />
          </View>
        </View>
        <View style={styles.row}>
          <View style={styles.grow}>
            <Field
              label="Amount"
              value={amount}
              onChangeText={setAmount}
              keyboardType="decimal-pad"
              placeholder="12.50"
              error={errors.amount}
            />
          </View>
          <View style={styles.currency}>
            <Field
              label="Currency"
              value={currency}
              onChangeText={setCurrency}
              autoCapitalize="characters"
              maxLength={3}
              error={errors.currency}
            />
          </View>
        </View>
        <Text style={styles.label}>Category</Text>
        {expense?.guessed === true ? (
          <Text style={styles.guess}>
            The parser guessed this category. Pick the right one, or keep it, and Save.
          </Text>
        ) : null}
        <Chips
          label="Category"
          options={categories.map((value) => ({ value, label: categoryLabel(value) }))}
          selected={category}
          onSelect={setCategory}
        />
        <Field
          label="Description"
          value={description}
          onChangeText={setDescription}
          maxLength={200}
          placeholder="What was it?"
        />
        <Field
          label="Date"
          value={occurredOn}
          onChangeText={setOccurredOn}
          placeholder="YYYY-MM-DD"
          error={errors.occurredOn}
        />
        {onDelete === undefined ? null : (
          <Button label="Delete" kind="danger" onPress={remove} disabled={busy} />
        )}
      </ScrollView>
    </View>
  );
}

const styles = StyleSheet.create({
  backdrop: {
    position: 'absolute',
    top: 0,
    left: 0,
    right: 0,
    bottom: 0,
    backgroundColor: 'rgba(0,0,0,0.35)',
    justifyContent: 'flex-end',
  },
  sheet: {
    maxHeight: '92%',
    backgroundColor: colors.surface,
    borderTopLeftRadius: 16,
    borderTopRightRadius: 16,
  },
  content: { padding: spacing.l },
  top: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'space-between',
    marginBottom: spacing.m,
  },
  title: { fontSize: 20, fontWeight: '600', color: colors.text },
  row: { flexDirection: 'row', gap: spacing.s },
  grow: { flex: 1 },
  currency: { width: 96 },
  label: { fontSize: 14, color: colors.muted, marginBottom: spacing.xs },
  guess: {
    fontSize: 13,
    color: colors.warningText,
    backgroundColor: colors.warning,
    borderRadius: 6,
    padding: spacing.s,
    marginBottom: spacing.s,
  },
  actions: { flexDirection: 'row', gap: spacing.s },
});
