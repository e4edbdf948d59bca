import { useSyncExternalStore, type ReactNode } from 'react';
import { ActivityIndicator, StyleSheet, Text, View } from 'react-native';
import { useSignedIn } from '../shell/AppContext';
import { categoryLabel } from '../shell/categories';
import { formatMoney } from '../money/money';
import { colors, spacing } from '../ui/theme';
import type { ChatMessage, Expense } from './expenseStore';

/** The last few messages typed, each with what the parser made of it (live). */
export function ChatMessages(): ReactNode {
  const { store } = useSignedIn();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const recent = snapshot.messages.slice(-3);
  if (recent.length === 0) return null;
  return (
    <View aria-label="Recent messages" role="list" style={styles.list}>
      {recent.map((message) => (
        <Bubble
          key={message.key}
          message={message}
          expenses={message.expenseIds.flatMap((id) => {
            const expense = snapshot.messageExpenses.get(id);
            return expense === undefined ? [] : [expense];
          })}
        />
      ))}
    </View>
  );
}

function Bubble({
  message,
  expenses,
}: {
  readonly message: ChatMessage;
  readonly expenses: readonly Expense[];
}): ReactNode {
  return (
    <View role="listitem" style={styles.item}>
      <Text style={styles.text}>{message.text}</Text>
      <View aria-live="polite" style={styles.answer}>
        {message.status === 'SENDING' || (message.status === 'PENDING' && expenses.length === 0) ? (
          <View style={styles.pending}>
            <ActivityIndicator size="small" color={colors.muted} />
            <Text style={styles.muted}>Reading…</Text>
          </View>
        ) : null}
        {expenses.map((expense) => (
          <Text key={expense.id} style={styles.parsed}>
            {formatMoney(expense.amount.amountMinor, expense.amount.currency)} ·{' '}
            {categoryLabel(expense.category)}
            {expense.description.length > 0 && expense.description !== expense.category
              ? ` · ${expense.description}`
              : ''}{' '}
            · {expense.occurredOn}
          </Text>
        ))}
        {message.status === 'REJECTED' || message.status === 'FAILED' ? (
          <Text role="alert" style={styles.reason}>
            {message.reason ?? 'No expense found in that message.'}
          </Text>
        ) : null}
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  list: { gap: spacing.s },
  item: { alignItems: 'flex-end' },
  text: {
    backgroundColor: colors.primary,
    color: colors.primaryText,
    paddingHorizontal: spacing.m,
    paddingVertical: spacing.s,
    borderRadius: 14,
    maxWidth: '85%',
    fontSize: 15,
    overflow: 'hidden',
  },
  answer: {
    alignSelf: 'flex-start',
    backgroundColor: colors.bubble,
    borderRadius: 14,
    paddingHorizontal: spacing.m,
    paddingVertical: spacing.s,
    marginTop: spacing.xs,
    maxWidth: '90%',
  },
  pending: { flexDirection: 'row', gap: spacing.s, alignItems: 'center' },
  muted: { color: colors.muted },
  parsed: { color: colors.text, fontSize: 15 },
  reason: { color: colors.danger, fontSize: 15 },
});
