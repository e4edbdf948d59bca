import { useEffect, useState, useSyncExternalStore } from 'react';
import { describeError } from '../api/errors';
import { SpendingDocument, type SpendingQuery } from '../api/generated/graphql';
import { useSignedIn } from '../shell/AppContext';

export interface SpendingState {
  readonly data: SpendingQuery | undefined;
  readonly loading: boolean;
  readonly error: string | undefined;
}

/**
 * Totals by category and by month for a range, in the user's currency; loaded again shortly after
 * any expense changes, so the charts follow what is logged on this or another device.
 */
export function useSpending(from: string, to: string, active: boolean): SpendingState {
  const { store, request, profile } = useSignedIn();
  // Totals are in the person's currency: a change of it in Profile reloads them.
  const currency = profile?.currency;
  const revision = useSyncExternalStore(store.subscribe, () => store.getSnapshot().revision);
  const [state, setState] = useState<SpendingState>({
    data: undefined,
    loading: true,
    error: undefined,
  });

  useEffect(() => {
    if (!active) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      setState((previous) => ({ ...previous, loading: true }));
      request(SpendingDocument, { from, to })
        .then((data) => {
          if (!cancelled) setState({ data, loading: false, error: undefined });
        })
        .catch((error: unknown) => {
          if (!cancelled)
            setState((previous) => ({ ...previous, loading: false, error: describeError(error) }));
        });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [active, from, to, request, revision, currency]);

  return state;
}
