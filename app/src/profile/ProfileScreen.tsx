import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ScrollView, StyleSheet, Text, View } from 'react-native';
import { ApiError, describeError } from '../api/errors';
import { UpdateProfileDocument } from '../api/generated/graphql';
import { useSignedIn } from '../shell/AppContext';
import { Button } from '../ui/Button';
import { Field } from '../ui/Field';
import { Notice } from '../ui/Notice';
import { colors, spacing } from '../ui/theme';

/** Display name, currency and time zone; log out, here or on every device. */
export function ProfileScreen(): ReactNode {
  const { profile, setProfile, request, logOut, logOutEverywhere } = useSignedIn();
  const [displayName, setDisplayName] = useState(profile?.displayName ?? '');
  const [currency, setCurrency] = useState(profile?.currency ?? 'USD');
  const [timezone, setTimezone] = useState(profile?.timezone ?? 'UTC');
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [everywhere, setEverywhere] = useState<'asked' | 'confirming' | 'ending'>('asked');
  const [everywhereError, setEverywhereError] = useState<string | undefined>();
  const scroll = useRef<ScrollView>(null);
  // The question appears below the fold on a small phone: shown once it has been laid out.
  const showQuestion = useRef(false);
  const [message, setMessage] = useState<{ text: string; tone: 'error' | 'info' } | undefined>();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (profile === undefined) return;
    setDisplayName(profile.displayName);
    setCurrency(profile.currency);
    setTimezone(profile.timezone);
  }, [profile]);

  const save = (): void => {
    setBusy(true);
    setMessage(undefined);
    setFieldErrors({});
    request(UpdateProfileDocument, {
      input: {
        displayName: displayName.trim(),
        currency: currency.trim().toUpperCase(),
        timezone: timezone.trim(),
      },
    })
      .then((answer) => {
        setProfile(answer.updateProfile);
        setMessage({ text: 'Saved.', tone: 'info' });
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.field !== undefined) {
          setFieldErrors({ [error.field]: describeError(error) });
        } else {
          setMessage({ text: describeError(error), tone: 'error' });
        }
      })
      .finally(() => setBusy(false));
  };

  const endEverywhere = (): void => {
    setEverywhere('ending');
    setEverywhereError(undefined);
    logOutEverywhere().catch((error: unknown) => {
      setEverywhereError(
        `${describeError(error)} Your other devices are still logged in; try again.`,
      );
      setEverywhere('confirming');
    });
  };

  return (
    <ScrollView
      ref={scroll}
      style={styles.screen}
      contentContainerStyle={styles.content}
      onContentSizeChange={() => {
        if (!showQuestion.current) return;
        showQuestion.current = false;
        scroll.current?.scrollToEnd({ animated: true });
      }}
    >
      <View style={styles.card}>
        <Text style={styles.muted}>Signed in as</Text>
        <Text style={styles.email}>{profile?.email ?? '…'}</Text>
      </View>
      <View style={styles.card}>
        <Notice text={message?.text} tone={message?.tone} />
        <Field
          label="Display name"
          value={displayName}
          onChangeText={setDisplayName}
          error={fieldErrors.displayName}
        />
        <Field
          label="Currency"
          value={currency}
          onChangeText={setCurrency}
          autoCapitalize="characters"
          maxLength={3}
          error={fieldErrors.currency}
        />
        <Field
          label="Time zone"
          value={timezone}
          onChangeText={setTimezone}
          autoCapitalize="none"
          placeholder="Europe/Berlin"
          error={fieldErrors.timezone}
        />
        <Button label="Save" onPress={save} busy={busy} />
      </View>
      <Button
        label="Log out"
        kind="danger"
        busy={leaving}
        onPress={() => {
          setLeaving(true);
          void logOut();
        }}
      />
      {everywhere === 'asked' ? (
        <Button
          label="Log out on all devices"
          kind="secondary"
          onPress={() => {
            showQuestion.current = true;
            setEverywhere('confirming');
          }}
        />
      ) : (
        <View style={styles.card}>
          <Notice text={everywhereError} tone="error" />
          <Text style={styles.text}>
            This logs you out on every phone and browser where you are signed in, this one too.
          </Text>
          <View style={styles.actions}>
            <Button
              label="Log out everywhere"
              kind="danger"
              busy={everywhere === 'ending'}
              onPress={endEverywhere}
            />
            <Button
              label="Cancel"
              kind="secondary"
              onPress={() => {
                setEverywhere('asked');
                setEverywhereError(undefined);
              }}
            />
          </View>
        </View>
      )}
    </ScrollView>
  );
}

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: spacing.m, gap: spacing.m },
  card: { backgroundColor: colors.surface, borderRadius: 12, padding: spacing.l },
  muted: { color: colors.muted, fontSize: 14 },
  email: { color: colors.text, fontSize: 16, fontWeight: '500', marginTop: spacing.xs },
  text: { color: colors.text, fontSize: 15, marginBottom: spacing.m },
  actions: { gap: spacing.s },
});
