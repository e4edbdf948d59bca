import { useState, type ReactNode } from 'react';
import { Pressable, StyleSheet, Text, View } from 'react-native';
import { ExpensesScreen } from '../expenses/ExpensesScreen';
import { ProfileScreen } from '../profile/ProfileScreen';
import { SpendingScreen } from '../spending/SpendingScreen';
import { colors, spacing } from '../ui/theme';
import { useSignedIn } from './AppContext';

const tabs = ['Expenses', 'Spending', 'Profile'] as const;
type Tab = (typeof tabs)[number];

/**
 * The three tabs. Every screen stays mounted (hidden when not chosen), so switching keeps each
 * one's scroll position, filters and loaded pages.
 */
export function SignedInApp(): ReactNode {
  const [tab, setTab] = useState<Tab>('Expenses');
  const { online, profile } = useSignedIn();
  return (
    <View style={styles.app}>
      <View style={styles.header}>
        <Text role="heading" style={styles.title}>
          {tab}
        </Text>
        {profile === undefined ? null : <Text style={styles.hello}>{profile.displayName}</Text>}
      </View>
      {online ? null : (
        <Text role="status" style={styles.offline}>
          Offline. Reconnecting…
        </Text>
      )}
      <View style={styles.body}>
        <View
          role="tabpanel"
          aria-label="Expenses"
          style={[styles.panel, tab !== 'Expenses' && styles.hidden]}
        >
          <ExpensesScreen />
        </View>
        <View
          role="tabpanel"
          aria-label="Spending"
          style={[styles.panel, tab !== 'Spending' && styles.hidden]}
        >
          <SpendingScreen active={tab === 'Spending'} />
        </View>
        <View
          role="tabpanel"
          aria-label="Profile"
          style={[styles.panel, tab !== 'Profile' && styles.hidden]}
        >
          <ProfileScreen />
        </View>
      </View>
      <View role="tablist" style={styles.tabBar}>
        {tabs.map((name) => {
          const selected = name === tab;
          return (
            <Pressable
              key={name}
              role="tab"
              aria-selected={selected}
              aria-label={name}
              onPress={() => setTab(name)}
              style={styles.tab}
            >
              <Text style={[styles.tabText, selected && styles.tabSelected]}>{name}</Text>
            </Pressable>
          );
        })}
      </View>
    </View>
  );
}

const styles = StyleSheet.create({
  app: { flex: 1, backgroundColor: colors.background },
  header: {
    flexDirection: 'row',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    paddingHorizontal: spacing.l,
    paddingVertical: spacing.m,
    backgroundColor: colors.surface,
  },
  title: { fontSize: 22, fontWeight: '700', color: colors.text },
  hello: { fontSize: 14, color: colors.muted },
  offline: {
    backgroundColor: colors.warning,
    color: colors.warningText,
    paddingHorizontal: spacing.l,
    paddingVertical: spacing.xs,
    fontSize: 13,
  },
  body: { flex: 1 },
  panel: { ...StyleSheet.absoluteFill },
  hidden: { display: 'none' },
  tabBar: {
    flexDirection: 'row',
    borderTopWidth: 1,
    borderTopColor: colors.border,
    backgroundColor: colors.surface,
  },
  tab: { flex: 1, minHeight: 52, alignItems: 'center', justifyContent: 'center' },
  tabText: { fontSize: 15, color: colors.muted, fontWeight: '500' },
  tabSelected: { color: colors.primary, fontWeight: '700' },
});
