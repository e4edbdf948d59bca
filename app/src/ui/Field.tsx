import type { ReactNode } from 'react';
import { StyleSheet, Text, TextInput, View, type TextInputProps } from 'react-native';
import { colors, spacing } from './theme';

export interface FieldProps extends Omit<TextInputProps, 'style'> {
  /** The visible label, and the input's accessible name. */
  readonly label: string;
  readonly error?: string | undefined;
}

export function Field({ label, error, ...input }: FieldProps): ReactNode {
  return (
    <View style={styles.field}>
      <Text style={styles.label} aria-hidden>
        {label}
      </Text>
      <TextInput
        aria-label={label}
        placeholderTextColor={colors.muted}
        style={[styles.input, error !== undefined && styles.invalid]}
        {...input}
      />
      {error === undefined ? null : (
        <Text role="alert" style={styles.error}>
          {error}
        </Text>
      )}
    </View>
  );
}

const styles = StyleSheet.create({
  field: { marginBottom: spacing.m },
  label: { fontSize: 14, color: colors.muted, marginBottom: spacing.xs },
  input: {
    minHeight: 44,
    borderWidth: 1,
    borderColor: colors.border,
    borderRadius: 8,
    paddingHorizontal: spacing.m,
    fontSize: 16,
    color: colors.text,
    backgroundColor: colors.surface,
  },
  invalid: { borderColor: colors.danger },
  error: { color: colors.danger, marginTop: spacing.xs },
});
