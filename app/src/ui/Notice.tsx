import type { ReactNode } from 'react';
import { StyleSheet, Text } from 'react-native';
import { colors, spacing } from './theme';

/** A sentence for the person: an error (announced) or a plain note. */
export function Notice({
  text,
  tone = 'error',
}: {
  readonly text: string | undefined;
  readonly tone?: 'error' | 'info';
}): ReactNode {
  if (text === undefined || text.length === 0) return null;
  return (
    <Text role={tone === 'error' ? 'alert' : 'status'} style={[styles.base, styles[tone]]}>
      {text}
    </Text>
  );
}

const styles = StyleSheet.create({
  base: { padding: spacing.m, borderRadius: 8, marginVertical: spacing.s, fontSize: 15 },
  error: { backgroundColor: '#fdecea', color: colors.danger },
  info: { backgroundColor: colors.warning, color: colors.warningText },
});
