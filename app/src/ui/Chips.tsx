import type { ReactNode } from 'react';
import { Pressable, ScrollView, StyleSheet, Text, View } from 'react-native';
import { colors, spacing } from './theme';

export interface ChipOption {
  readonly value: string;
  readonly label: string;
}

/** A row of choices, one of them selected (radio buttons to a screen reader). */
export function Chips({
  label,
  options,
  selected,
  onSelect,
  oneLine = false,
}: {
  /** One scrolling line instead of wrapped rows (saves height on a phone). */
  readonly oneLine?: boolean;
  readonly label: string;
  readonly options: readonly ChipOption[];
  readonly selected: string | undefined;
  readonly onSelect: (value: string) => void;
}): ReactNode {
  const chips = options.map((option) => {
    const on = option.value === selected;
    return (
      <Pressable
        key={option.value}
        role="radio"
        aria-checked={on}
        aria-label={option.label}
        onPress={() => onSelect(option.value)}
        style={[styles.chip, on && styles.on]}
      >
        <Text style={[styles.text, on && styles.onText]}>{option.label}</Text>
      </Pressable>
    );
  });
  if (oneLine) {
    return (
      <ScrollView
        horizontal
        showsHorizontalScrollIndicator={false}
        role="radiogroup"
        aria-label={label}
        style={styles.line}
        contentContainerStyle={styles.lineContent}
      >
        {chips}
      </ScrollView>
    );
  }
  return (
    <View role="radiogroup" aria-label={label} style={styles.row}>
      {chips}
    </View>
  );
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', flexWrap: 'wrap', gap: spacing.s, marginBottom: spacing.m },
  line: { flexGrow: 0, marginBottom: spacing.m },
  lineContent: { gap: spacing.s },
  chip: {
    paddingHorizontal: spacing.m,
    minHeight: 36,
    justifyContent: 'center',
    borderRadius: 18,
    backgroundColor: colors.chip,
  },
  on: { backgroundColor: colors.primary },
  text: { color: colors.text, fontSize: 14 },
  onText: { color: colors.primaryText },
});
