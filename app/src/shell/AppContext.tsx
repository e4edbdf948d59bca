import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { graphqlWsUrl } from '../api/endpoint';
import { MeDocument, type ProfileFieldsFragment } from '../api/generated/graphql';
import type { Session } from '../auth/session';
import { ExpenseStore } from '../expenses/expenseStore';
import { startLiveChanges, type LiveChanges } from '../live/liveChanges';

export type Profile = ProfileFieldsFragment;

export interface SignedInServices {
  readonly session: Session;
  readonly store: ExpenseStore;
  /** Runs an operation as the signed-in person. */
  readonly request: <Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ) => Promise<Result>;
  readonly profile: Profile | undefined;
  readonly setProfile: (profile: Profile) => void;
  /** False while the live connection is down. */
  readonly online: boolean;
  /** Closes the live socket, revokes the refresh token, and shows the log-in screen. */
  readonly logOut: () => Promise<void>;
  /**
   * Ends every session of the account, then shows the log-in screen; throws, keeping this
   * session, when the server could not be told.
   */
  readonly logOutEverywhere: () => Promise<void>;
}

const SignedInContext = createContext<SignedInServices | undefined>(undefined);

export function useSignedIn(): SignedInServices {
  const services = useContext(SignedInContext);
  if (services === undefined) throw new Error('useSignedIn outside SignedInProvider');
  return services;
}

export interface SignedInProviderProps {
  readonly session: Session;
  readonly children: ReactNode;
  /** Test seam: no live socket when false. Default true. */
  readonly live?: boolean;
  /** Test seam: a store made outside. */
  readonly store?: ExpenseStore;
}

/** Everything the signed-in screens share: the session, the expenses, the profile, the socket. */
export function SignedInProvider({
  session,
  children,
  live = true,
  store: givenStore,
}: SignedInProviderProps): ReactNode {
  const store = useMemo(() => givenStore ?? new ExpenseStore(), [givenStore]);
  const [profile, setProfile] = useState<Profile | undefined>(undefined);
  const [online, setOnline] = useState(true);
  const liveRef = useRef<LiveChanges | undefined>(undefined);
  // Stable, so lists that load with it do not reload when the profile or the banner changes.
  const request = useMemo(
    () =>
      <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) =>
        session.request(document, variables),
    [session],
  );

  useEffect(() => {
    let cancelled = false;
    const loadProfile = (attempt: number): void => {
      session
        .request(MeDocument, {})
        .then((answer) => {
          if (cancelled) return;
          if (answer.me !== null) setProfile(answer.me);
          else if (attempt < 5) setTimeout(() => loadProfile(attempt + 1), 500);
        })
        .catch(() => {
          if (!cancelled && attempt < 5) setTimeout(() => loadProfile(attempt + 1), 1_000);
        });
    };
    loadProfile(0);
    return () => {
      cancelled = true;
    };
  }, [session]);

  useEffect(() => {
    if (!live) return undefined;
    let offlineTimer: ReturnType<typeof setTimeout> | undefined;
    const changes = startLiveChanges({
      url: graphqlWsUrl,
      accessToken: () => session.accessToken(),
      renewAccessToken: () => session.renew(),
      onChange: (change) => store.applyChange(change),
      onOnline: (value) => {
        clearTimeout(offlineTimer);
        // A blip shorter than a second and a half is not worth a banner.
        if (value) setOnline(true);
        else offlineTimer = setTimeout(() => setOnline(false), 1_500);
      },
      onForbidden: () => void session.logOut(),
    });
    liveRef.current = changes;
    return () => {
      clearTimeout(offlineTimer);
      liveRef.current = undefined;
      void changes.stop();
    };
  }, [live, session, store]);

  const services = useMemo<SignedInServices>(
    () => ({
      session,
      store,
      request,
      profile,
      setProfile,
      online,
      logOut: async () => {
        await liveRef.current?.stop();
        liveRef.current = undefined;
        await session.logOut();
      },
      logOutEverywhere: async () => {
        await session.logOutEverywhere();
        await liveRef.current?.stop();
        liveRef.current = undefined;
      },
    }),
    [session, store, request, profile, online],
  );
  return <SignedInContext.Provider value={services}>{children}</SignedInContext.Provider>;
}
