import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { describeError } from '../api/errors';
import { ExpensesDocument } from '../api/generated/graphql';
import { useSignedIn } from '../shell/AppContext';
import type { ExpenseFilter, ExpenseSnapshot } from './expenseStore';

const pageSize = 30;

export interface ExpenseList {
  readonly snapshot: ExpenseSnapshot;
  readonly filter: ExpenseFilter;
  readonly loading: boolean;
  readonly refreshing: boolean;
  readonly hasMore: boolean;
  readonly error: string | undefined;
  readonly loadMore: () => void;
  readonly refresh: () => void;
  readonly setFilter: (filter: ExpenseFilter) => void;
}

/** The expenses list: first page, endless scroll by cursor, filters, pull to refresh. */
export function useExpenseList(): ExpenseList {
  const { store, request } = useSignedIn();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [filter, setFilterState] = useState<ExpenseFilter>(store.currentFilter());
  const [loading, setLoading] = useState(false);
  const [refreshing, setRefreshing] = useState(false);
  const [hasMore, setHasMore] = useState(true);
  const [error, setError] = useState<string | undefined>(undefined);
  const cursor = useRef<string | null>(null);
  /** Bumped by each reset, so answers to a superseded query are dropped. */
  const generation = useRef(0);
  const inFlight = useRef(false);

  const fetchPage = useCallback(
    async (reset: boolean, pull: boolean) => {
      if (inFlight.current && !reset) return;
      if (reset) generation.current += 1;
      const mine = generation.current;
      inFlight.current = true;
      if (pull) setRefreshing(true);
      else setLoading(true);
      try {
        const active = store.currentFilter();
        const answer = await request(ExpensesDocument, {
          filter: {
            from: active.from ?? null,
            to: active.to ?? null,
            category: active.category ?? null,
            search: active.search ?? null,
          },
          first: pageSize,
          after: reset ? null : cursor.current,
        });
        if (mine !== generation.current) return;
        const { edges, pageInfo } = answer.expenses;
        store.receivePage(
          edges.map((edge) => edge.node),
          reset,
        );
        cursor.current = pageInfo.endCursor;
        setHasMore(pageInfo.hasNextPage);
        setError(undefined);
      } catch (caught) {
        if (mine === generation.current) setError(describeError(caught));
      } finally {
        if (mine === generation.current) {
          inFlight.current = false;
          setLoading(false);
          setRefreshing(false);
        }
      }
    },
    [request, store],
  );

  useEffect(() => {
    void fetchPage(true, false);
  }, [fetchPage]);

  return {
    snapshot,
    filter,
    loading,
    refreshing,
    hasMore,
    error,
    loadMore: () => {
      if (hasMore && !loading && !refreshing) void fetchPage(false, false);
    },
    refresh: () => void fetchPage(true, true),
    setFilter: (next) => {
      setFilterState(next);
      store.setFilter(next);
      cursor.current = null;
      setHasMore(true);
      void fetchPage(true, false);
    },
  };
}
