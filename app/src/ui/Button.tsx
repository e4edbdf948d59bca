import type { ReactNode } from 'react';
import { ActivityIndicator, Pressable, StyleSheet, Text } from 'react-native';
import { colors, spacing } from './theme';

export interface ButtonProps {
  readonly label: string;
  readonly onPress: () => void;
  readonly kind?: 'primary' | 'secondary' | 'danger' | 'link';
  readonly busy?: boolean;
  readonly disabled?: boolean;
  /** Accessible name when it differs from the label. */
  readonly accessibleName?: string;
}

export function Button({
  label,
  onPress,
  kind = 'primary',
  busy = false,
  disabled = false,
  accessibleName,
}: ButtonProps): ReactNode {
  const inactive = disabled || busy;
  return (
    <Pressable
      role="button"
      aria-label={accessibleName ?? label}
      aria-disabled={inactive}
      disabled={inactive}
      onPress={onPress}
      style={({ pressed }) => [
        styles.base,
        styles[kind],
        inactive && styles.inactive,
        pressed && styles.pressed,
      ]}
    >
      {busy ? (
        <ActivityIndicator color={kind === 'primary' ? colors.primaryText : colors.primary} />
      ) : (
        <Text style={[styles.label, labelStyles[kind]]}>{label}</Text>
      )}
    </Pressable>
  );
}

const styles = StyleSheet.create({
  base: {
    minHeight: 44,
    paddingHorizontal: spacing.l,
    borderRadius: 8,
    alignItems: 'center',
    justifyContent: 'center',
  },
  primary: { backgroundColor: colors.primary },
  secondary: { backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.border },
  danger: { backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.danger },
  link: { backgroundColor: 'transparent', paddingHorizontal: spacing.s },
  inactive: { opacity: 0.6 },
  pressed: { opacity: 0.8 },
  label: { fontSize: 16, fontWeight: '600' },
});

const labelStyles = StyleSheet.create({
  primary: { color: colors.primaryText },
  secondary: { color: colors.text },
  danger: { color: colors.danger },
  link: { color: colors.primary },
});
