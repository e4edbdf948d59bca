import type { ReplicaPool } from '../replicas/replicaPool.ts';

export interface SubgraphHealth {
  readonly name: string;
  readonly reachableReplicas: number;
  readonly replicas: number;
}

/** A subgraph is reachable when at least one replica answers its `/health` within a second. */
export async function subgraphHealth(
  pools: ReadonlyMap<string, ReplicaPool>,
): Promise<SubgraphHealth[]> {
  return Promise.all(
    [...pools].map(async ([name, pool]) => {
      const answers = await Promise.all(
        pool.urls.map((url) =>
          fetch(new URL('/health', url), { signal: AbortSignal.timeout(1_000) })
            .then((response) => response.ok)
            .catch(() => false),
        ),
      );
      return {
        name,
        reachableReplicas: answers.filter(Boolean).length,
        replicas: pool.urls.length,
      };
    }),
  );
}
