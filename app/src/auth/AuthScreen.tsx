import { useState, type ReactNode } from 'react';
import { KeyboardAvoidingView, Platform, ScrollView, StyleSheet, Text, View } from 'react-native';
import { ApiError, describeError } from '../api/errors';
import type { Session, SessionNotice } from '../auth/session';
import { Button } from '../ui/Button';
import { Field } from '../ui/Field';
import { Notice } from '../ui/Notice';
import { colors, spacing } from '../ui/theme';

export interface AuthScreenProps {
  readonly session: Session;
  /** Why the person is here again, e.g. a session that ended. */
  readonly notice?: SessionNotice | undefined;
}

/** Log in, or sign up with a display name. */
export function AuthScreen({ session, notice }: AuthScreenProps): ReactNode {
  const [mode, setMode] = useState<'logIn' | 'signUp'>('logIn');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = (): void => {
    const problems: Record<string, string> = {};
    if (!/^\S+@\S+\.\S+$/.test(email.trim())) problems.email = 'Enter your email address.';
    if (password.length < 8) problems.password = 'At least 8 characters.';
    if (mode === 'signUp' && displayName.trim().length === 0) {
      problems.displayName = 'How should we call you?';
    }
    setFieldErrors(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    setError(undefined);
    const done =
      mode === 'signUp'
        ? session.signUp({ email: email.trim(), password, displayName: displayName.trim() })
        : session.logIn({ email: email.trim(), password });
    done.catch((caught: unknown) => {
      setBusy(false);
      if (caught instanceof ApiError && caught.field !== undefined) {
        setFieldErrors({ [caught.field]: describeError(caught) });
      } else {
        setError(describeError(caught));
      }
    });
  };

  const signingUp = mode === 'signUp';
  return (
    <KeyboardAvoidingView
      style={styles.screen}
      behavior={Platform.OS === 'ios' ? 'padding' : undefined}
    >
      <ScrollView contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
        <Text role="heading" style={styles.brand}>
          CashTrack
        </Text>
        <Text style={styles.tagline}>Say what you spent. We keep the books.</Text>
        <View style={styles.card}>
          <Text role="heading" aria-level={2} style={styles.title}>
            {signingUp ? 'Create your account' : 'Welcome back'}
          </Text>
          <Notice
            text={error ?? notice?.text}
            tone={error === undefined ? notice?.tone : 'error'}
          />
          <Field
            label="Email"
            value={email}
            onChangeText={setEmail}
            autoCapitalize="none"
            autoComplete="email"
            keyboardType="email-address"
            textContentType="emailAddress"
            error={fieldErrors.email}
          />
          <Field
            label="Password"
            value={password}
            onChangeText={setPassword}
            secureTextEntry
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            textContentType={signingUp ? 'newPassword' : 'password'}
            onSubmitEditing={signingUp ? undefined : submit}
            error={fieldErrors.password}
          />
          {signingUp ? (
            <Field
              label="Display name"
              value={displayName}
              onChangeText={setDisplayName}
              autoComplete="name"
              onSubmitEditing={submit}
              error={fieldErrors.displayName}
            />
          ) : null}
          <Button label={signingUp ? 'Sign up' : 'Log in'} onPress={submit} busy={busy} />
          <View style={styles.switch}>
            <Text style={styles.muted}>{signingUp ? 'Have an account?' : 'New to CashTrack?'}</Text>
            <Button
              kind="link"
              label={signingUp ? 'Log in instead' : 'Create an account'}
              onPress={() => {
                setMode(signingUp ? 'logIn' : 'signUp');
                setError(undefined);
                setFieldErrors({});
              }}
            />
          </View>
        </View>
      </ScrollView>
    </KeyboardAvoidingView>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: {
    padding: spacing.l,
    paddingTop: spacing.xl * 2,
    maxWidth: 480,
    width: '100%',
    alignSelf: 'center',
  },
  brand: { fontSize: 32, fontWeight: '700', color: colors.primary, textAlign: 'center' },
  tagline: { fontSize: 15, color: colors.muted, textAlign: 'center', marginBottom: spacing.xl },
  card: { backgroundColor: colors.surface, borderRadius: 12, padding: spacing.l },
  title: { fontSize: 20, fontWeight: '600', color: colors.text, marginBottom: spacing.m },
  switch: {
    flexDirection: 'row',
    alignItems: 'center',
    justifyContent: 'center',
    marginTop: spacing.m,
  },
  muted: { color: colors.muted },
});
