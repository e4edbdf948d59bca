import { useCallback, useMemo, useState, type ReactNode } from 'react';
import {
  ActivityIndicator,
  FlatList,
  Pressable,
  RefreshControl,
  StyleSheet,
  Text,
  TextInput,
  View,
} from 'react-native';
import { useSignedIn } from '../shell/AppContext';
import { categories, categoryLabel } from '../shell/categories';
import { isCalendarDate, todayIn } from '../shell/dates';
import { formatMoney } from '../money/money';
import { Button } from '../ui/Button';
import { Chips } from '../ui/Chips';
import { Field } from '../ui/Field';
import { Notice } from '../ui/Notice';
import { colors, spacing } from '../ui/theme';
import { ChatMessages } from './ChatMessages';
import { ExpenseForm } from './ExpenseForm';
import type { Expense, ExpenseFilter } from './expenseStore';
import { useExpenseActions, type Outcome } from './useExpenseActions';
import { useExpenseList } from './useExpenseList';

/** The chat box, what became of recent messages, and every expense, newest first. */
export function ExpensesScreen(): ReactNode {
  const { profile } = useSignedIn();
  const list = useExpenseList();
  const actions = useExpenseActions();
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<Expense | 'new' | undefined>(undefined);
  const [showFilters, setShowFilters] = useState(false);
  const timezone = profile?.timezone ?? 'UTC';
  const currency = profile?.currency ?? 'USD';

  const report = useCallback((outcome: Promise<Outcome>) => {
    void outcome.then((message) => setNotice(message));
  }, []);

  const send = (): void => {
    const message = text.trim();
    if (message.length === 0) return;
    setText('');
    setNotice(undefined);
    report(actions.logMessage(message));
  };

  const header = useMemo(
    () => (
      <View>
        <ChatMessages />
        <View style={styles.toolbar}>
          <Text role="heading" aria-level={2} style={styles.sectionTitle}>
            Your expenses
          </Text>
          <View style={styles.toolbarButtons}>
            <Button
              kind="secondary"
              label={showFilters ? 'Hide filters' : 'Filters'}
              onPress={() => setShowFilters((shown) => !shown)}
            />
            <Button
              kind="secondary"
              label="Add"
              accessibleName="Add expense"
              onPress={() => setEditing('new')}
            />
          </View>
        </View>
        {showFilters ? <Filters filter={list.filter} onApply={list.setFilter} /> : null}
        <Notice text={list.error} />
      </View>
    ),
    [list.error, list.filter, list.setFilter, showFilters],
  );

  return (
    <View style={styles.screen}>
      <View style={styles.composer}>
        <TextInput
          aria-label="What did you spend?"
          placeholder="What did you spend?"
          placeholderTextColor={colors.muted}
          value={text}
          onChangeText={setText}
          onSubmitEditing={send}
          returnKeyType="send"
          submitBehavior="submit"
          maxLength={500}
          style={styles.composerInput}
        />
        <Button label="Send" onPress={send} disabled={text.trim().length === 0} />
      </View>
      <Notice text={notice} />
      <FlatList
        data={list.snapshot.expenses}
        keyExtractor={(expense) => expense.id}
        renderItem={({ item }) => <ExpenseRow expense={item} onPress={() => setEditing(item)} />}
        ListHeaderComponent={header}
        ListEmptyComponent={
          list.loading ? null : (
            <Text style={styles.empty}>
              No expenses yet. Tell CashTrack what you spent, like “Spent $50 on groceries today”.
            </Text>
          )
        }
        ListFooterComponent={list.loading ? <ActivityIndicator style={styles.footer} /> : null}
        onEndReached={list.loadMore}
        onEndReachedThreshold={0.5}
        refreshControl={<RefreshControl refreshing={list.refreshing} onRefresh={list.refresh} />}
        initialNumToRender={15}
        windowSize={7}
        removeClippedSubviews
        contentContainerStyle={styles.listContent}
      />
      {editing === undefined ? null : (
        <ExpenseForm
          expense={editing === 'new' ? undefined : editing}
          defaultCurrency={currency}
          today={todayIn(timezone)}
          onClose={() => setEditing(undefined)}
          onSave={(draft) => {
            setNotice(undefined);
            const outcome =
              editing === 'new' ? actions.add(draft) : actions.update(editing.id, draft);
            report(outcome);
            return outcome;
          }}
          onDelete={
            editing === 'new'
              ? undefined
              : () => {
                  const outcome = actions.remove(editing.id);
                  report(outcome);
                  return outcome;
                }
          }
        />
      )}
    </View>
  );
}

function ExpenseRow({
  expense,
  onPress,
}: {
  readonly expense: Expense;
  readonly onPress: () => void;
}): ReactNode {
  const amount = formatMoney(expense.amount.amountMinor, expense.amount.currency);
  const title =
    expense.description.length > 0 ? expense.description : categoryLabel(expense.category);
  const row = (
    <Pressable
      role="button"
      aria-label={`${title}, ${amount}, ${categoryLabel(expense.category)}, ${expense.occurredOn}. Edit`}
      onPress={onPress}
      style={({ pressed }) => [
        styles.row,
        pressed && styles.pressed,
        expense.version === 0 && styles.saving,
      ]}
    >
      <View style={styles.rowText}>
        <Text style={styles.rowTitle} numberOfLines={1}>
          {title}
        </Text>
        <Text style={styles.rowMeta}>
          {categoryLabel(expense.category)} · {expense.occurredOn}
        </Text>
      </View>
      <Text style={styles.rowAmount}>{amount}</Text>
    </Pressable>
  );
  if (!expense.guessed) return row;
  // Beside the row, not inside it: one control may not hold another.
  return (
    <View style={styles.guessed}>
      {row}
      <View style={styles.guessCue}>
        <Text style={styles.guessText}>
          The parser guessed “{categoryLabel(expense.category)}”.
        </Text>
        <Button
          kind="secondary"
          label="Check category"
          accessibleName={`Check category of ${title}, ${amount}`}
          onPress={onPress}
        />
      </View>
    </View>
  );
}

function Filters({
  filter,
  onApply,
}: {
  readonly filter: ExpenseFilter;
  readonly onApply: (filter: ExpenseFilter) => void;
}): ReactNode {
  const [from, setFrom] = useState(filter.from ?? '');
  const [to, setTo] = useState(filter.to ?? '');
  const [category, setCategory] = useState(filter.category ?? 'all');
  const [search, setSearch] = useState(filter.search ?? '');
  const [error, setError] = useState<string | undefined>(undefined);

  const apply = (): void => {
    if ((from !== '' && !isCalendarDate(from)) || (to !== '' && !isCalendarDate(to))) {
      setError('Use dates like 2026-11-24.');
      return;
    }
    setError(undefined);
    onApply({
      from: from === '' ? undefined : from,
      to: to === '' ? undefined : to,
      category: category === 'all' ? undefined : category,
      search: search.trim() === '' ? undefined : search.trim(),
    });
  };

  return (
    <View style={styles.filters}>
      <Field label="Search" value={search} onChangeText={setSearch} onSubmitEditing={apply} />
      <View style={styles.dates}>
        <View style={styles.grow}>
          <Field label="From" value={from} onChangeText={setFrom} placeholder="YYYY-MM-DD" />
        </View>
        <View style={styles.grow}>
          <Field label="To" value={to} onChangeText={setTo} placeholder="YYYY-MM-DD" />
        </View>
      </View>
      <Chips
        label="Category filter"
        oneLine
        options={[
          { value: 'all', label: 'all' },
          ...categories.map((value) => ({ value, label: categoryLabel(value) })),
        ]}
        selected={category}
        onSelect={setCategory}
      />
      <Notice text={error} />
      <View style={styles.toolbarButtons}>
        <Button
          kind="secondary"
          label="Clear"
          onPress={() => {
            setFrom('');
            setTo('');
            setCategory('all');
            setSearch('');
            onApply({});
          }}
        />
        <Button label="Apply" onPress={apply} />
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  composer: {
    flexDirection: 'row',
    gap: spacing.s,
    padding: spacing.m,
    backgroundColor: colors.surface,
    borderBottomWidth: 1,
    borderBottomColor: colors.border,
  },
  composerInput: {
    flex: 1,
    minHeight: 44,
    borderWidth: 1,
    borderColor: colors.border,
    borderRadius: 22,
    paddingHorizontal: spacing.l,
    fontSize: 16,
    color: colors.text,
    backgroundColor: colors.background,
  },
  listContent: { padding: spacing.m, paddingBottom: spacing.xl },
  toolbar: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'space-between',
    marginTop: spacing.m,
    marginBottom: spacing.s,
  },
  toolbarButtons: { flexDirection: 'row', gap: spacing.s, justifyContent: 'flex-end' },
  sectionTitle: { fontSize: 18, fontWeight: '600', color: colors.text },
  row: {
    flexDirection: 'row',
    alignItems: 'center',
    backgroundColor: colors.surface,
    paddingHorizontal: spacing.m,
    paddingVertical: spacing.m,
    borderRadius: 10,
    marginBottom: spacing.s,
  },
  guessed: { marginBottom: spacing.s, borderRadius: 10, backgroundColor: colors.warning },
  guessCue: {
    flexDirection: 'row',
    alignItems: 'center',
    gap: spacing.s,
    paddingHorizontal: spacing.m,
    paddingBottom: spacing.m,
  },
  guessText: { flex: 1, fontSize: 13, color: colors.warningText },
  pressed: { opacity: 0.7 },
  saving: { opacity: 0.6 },
  rowText: { flex: 1, marginRight: spacing.m },
  rowTitle: { fontSize: 16, color: colors.text, fontWeight: '500' },
  rowMeta: { fontSize: 13, color: colors.muted, marginTop: 2 },
  rowAmount: { fontSize: 16, fontWeight: '600', color: colors.text },
  empty: { color: colors.muted, textAlign: 'center', padding: spacing.xl },
  footer: { padding: spacing.l },
  filters: {
    backgroundColor: colors.surface,
    borderRadius: 10,
    padding: spacing.m,
    marginBottom: spacing.m,
  },
  dates: { flexDirection: 'row', gap: spacing.s },
  grow: { flex: 1 },
});
