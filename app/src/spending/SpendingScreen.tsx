import { useMemo, useState, type ReactNode } from 'react';
import { ActivityIndicator, ScrollView, StyleSheet, Text, View } from 'react-native';
import { useSignedIn } from '../shell/AppContext';
import { categoryLabel } from '../shell/categories';
import { monthLabel, monthStart, todayIn } from '../shell/dates';
import { formatMoney } from '../money/money';
import { BarChart } from '../ui/BarChart';
import { Chips } from '../ui/Chips';
import { Notice } from '../ui/Notice';
import { colors, spacing } from '../ui/theme';
import { useSpending } from './useSpending';

const ranges = [
  { value: 'month', label: 'This month', monthsBack: 0 },
  { value: 'quarter', label: '3 months', monthsBack: 2 },
  { value: 'year', label: '12 months', monthsBack: 11 },
] as const;

/** Totals for a range: by category and by month, in the person's currency. */
export function SpendingScreen({ active }: { readonly active: boolean }): ReactNode {
  const { profile } = useSignedIn();
  const [range, setRange] = useState<string>('quarter');
  const today = todayIn(profile?.timezone ?? 'UTC');
  const monthsBack = ranges.find((r) => r.value === range)?.monthsBack ?? 2;
  const from = monthStart(today, monthsBack);
  const { data, loading, error } = useSpending(from, today, active);

  const categoryBars = useMemo(
    () =>
      (data?.byCategory.groups ?? []).map((group) => ({
        key: group.key,
        label: categoryLabel(group.key),
        value: group.total.amountMinor,
        valueText: formatMoney(group.total.amountMinor, group.total.currency),
      })),
    [data],
  );
  const monthBars = useMemo(
    () =>
      (data?.byMonth.groups ?? []).map((group) => ({
        key: group.key,
        label: monthLabel(group.key),
        value: group.total.amountMinor,
        valueText: formatMoney(group.total.amountMinor, group.total.currency),
      })),
    [data],
  );
  const summary = data?.byCategory;

  return (
    <ScrollView style={styles.screen} contentContainerStyle={styles.content}>
      <Chips
        label="Range"
        options={ranges.map(({ value, label }) => ({ value, label }))}
        selected={range}
        onSelect={setRange}
      />
      <Notice text={error} />
      <View style={styles.card}>
        <Text style={styles.muted}>
          Total, {from} to {today}
        </Text>
        {summary === undefined ? (
          loading ? (
            <ActivityIndicator />
          ) : null
        ) : (
          <>
            <Text aria-label="Total spent" style={styles.total}>
              {formatMoney(summary.total.amountMinor, summary.total.currency)}
            </Text>
            <Text style={styles.muted}>
              {summary.count} {summary.count === 1 ? 'expense' : 'expenses'}
              {summary.otherCurrencies.length > 0
                ? ` · not counted: spending in ${summary.otherCurrencies.join(', ')}`
                : ''}
            </Text>
          </>
        )}
      </View>
      <View style={styles.card}>
        <Text role="heading" aria-level={2} style={styles.heading}>
          By category
        </Text>
        {categoryBars.length === 0 ? (
          <Text style={styles.muted}>Nothing spent in this range yet.</Text>
        ) : (
          <BarChart title="Spending by category" bars={categoryBars} />
        )}
      </View>
      <View style={styles.card}>
        <Text role="heading" aria-level={2} style={styles.heading}>
          By month
        </Text>
        {monthBars.length === 0 ? (
          <Text style={styles.muted}>Nothing spent in this range yet.</Text>
        ) : (
          <BarChart title="Spending by month" bars={monthBars} />
        )}
      </View>
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: spacing.m, gap: spacing.m },
  card: { backgroundColor: colors.surface, borderRadius: 12, padding: spacing.l },
  total: { fontSize: 32, fontWeight: '700', color: colors.text, marginVertical: spacing.xs },
  heading: { fontSize: 18, fontWeight: '600', color: colors.text, marginBottom: spacing.m },
  muted: { color: colors.muted, fontSize: 14 },
});
