import type { ReactNode } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { colors, spacing } from './theme';

export interface Bar {
  readonly key: string;
  readonly label: string;
  /** Integer minor units: bars are sized from integers, never from formatted text. */
  readonly value: number;
  /** The value as a person reads it, e.g. "$50.00". */
  readonly valueText: string;
}

/** Horizontal bars, one row each: label, bar, amount. Plain views, so it renders everywhere. */
export function BarChart({
  title,
  bars,
}: {
  readonly title: string;
  readonly bars: readonly Bar[];
}): ReactNode {
  const largest = bars.reduce((max, bar) => Math.max(max, bar.value), 0);
  return (
    <View role="list" aria-label={title} style={styles.chart}>
      {bars.map((bar) => {
        const share = largest > 0 ? Math.max(0.02, bar.value / largest) : 0;
        return (
          <View
            key={bar.key}
            role="listitem"
            aria-label={`${bar.label}: ${bar.valueText}`}
            style={styles.row}
          >
            <Text style={styles.label} numberOfLines={1}>
              {bar.label}
            </Text>
            <View style={styles.track}>
              <View style={[styles.bar, { width: `${Math.round(share * 100)}%` }]} />
            </View>
            <Text style={styles.value}>{bar.valueText}</Text>
          </View>
        );
      })}
    </View>
  );
}

const styles = StyleSheet.create({
  chart: { gap: spacing.s },
  row: { flexDirection: 'row', alignItems: 'center', gap: spacing.s },
  label: { width: 92, fontSize: 14, color: colors.text },
  track: { flex: 1, height: 14, backgroundColor: colors.chip, borderRadius: 7, overflow: 'hidden' },
  bar: { height: 14, backgroundColor: colors.primary, borderRadius: 7 },
  value: {
    minWidth: 84,
    textAlign: 'right',
    fontSize: 14,
    color: colors.text,
    fontVariant: ['tabular-nums'],
  },
});
