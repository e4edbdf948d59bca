import { StatusBar } from 'expo-status-bar';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ActivityIndicator, StyleSheet, View } from 'react-native';
import { SafeAreaProvider, SafeAreaView } from 'react-native-safe-area-context';
import { graphqlHttpUrl } from './api/endpoint';
import { SignedInProvider } from './shell/AppContext';
import { SignedInApp } from './shell/SignedInApp';
import { deviceTokenStore } from './auth/deviceTokens';
import { refreshTokenStore } from './auth/refreshTokenStore';
import { Session, type SessionState } from './auth/session';
import { AuthScreen } from './auth/AuthScreen';
import { colors } from './ui/theme';

/** The whole app: the session decides between the log-in screen and the signed-in tabs. */
export function App({ session: given }: { readonly session?: Session | undefined }): ReactNode {
  const session = useMemo(
    () =>
      given ??
      new Session({
        endpoint: graphqlHttpUrl,
        store: refreshTokenStore,
        devices: deviceTokenStore,
      }),
    [given],
  );
  const [state, setState] = useState<SessionState>(session.state);

  useEffect(() => {
    const unsubscribe = session.subscribe(setState);
    if (session.state.status === 'restoring') void session.restore();
    else setState(session.state);
    return unsubscribe;
  }, [session]);

  return (
    <SafeAreaProvider>
      <SafeAreaView style={styles.root} edges={['top', 'bottom']}>
        <StatusBar style="dark" />
        {state.status === 'restoring' ? (
          <View style={styles.center}>
            <ActivityIndicator size="large" color={colors.primary} />
          </View>
        ) : state.status === 'signedOut' ? (
          <AuthScreen session={session} notice={state.notice} />
        ) : (
          <SignedInProvider key={state.userId} session={session}>
            <SignedInApp />
          </SignedInProvider>
        )}
      </SafeAreaView>
    </SafeAreaProvider>
  );
}

const styles = StyleSheet.create({
  root: { flex: 1, backgroundColor: colors.background },
  center: { flex: 1, alignItems: 'center', justifyContent: 'center' },
});
