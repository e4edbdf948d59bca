import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { clientErrorCode } from '../graphql/graphqlErrors.ts';
import { appOperationNames } from './appOperationNames.ts';
import { BoundedLabel } from './boundedLabel.ts';
import { metricsEnabled } from './metricsSettings.ts';

export interface GraphQLMetricsOptions {
  /**
   * Distinct operation names, beyond the known ones, counted by name; later ones count as
   * `other`. Default 200.
   */
  readonly maxOperationNames?: number;
  /** Operation names always counted by name, whoever sends them first. Default the app's. */
  readonly knownOperationNames?: readonly string[];
  /**
   * True on a subgraph: its operations are named by the gateway's query planner after the
   * client's (`LogExpense__expense__0`), and count as known when the client's is. Only the
   * gateway may call a subgraph, and its plans bound the suffixes. Default false.
   */
  readonly plannedOperationNames?: boolean;
  /** Distinct error codes counted by code; later ones count as `other`. Default 50. */
  readonly maxErrorCodes?: number;
}

/**
 * An Apollo Server plugin counting and timing GraphQL operations by name and type, and their
 * errors by the code the client sees. A name counts only once its operation parsed and validated
 * (`didResolveOperation`); a request that never got that far counts as `invalid`, and a
 * nameless operation as `anonymous`.
 */
export function graphqlMetricsPlugin<Context extends BaseContext>(
  registry: Registry,
  options: GraphQLMetricsOptions = {},
): ApolloServerPlugin<Context> {
  // Metrics off: a plugin without hooks, which Apollo never calls.
  if (!metricsEnabled()) return {};
  const names = new BoundedLabel(
    options.maxOperationNames ?? 200,
    new Set(options.knownOperationNames ?? appOperationNames()),
    options.plannedOperationNames === true ? clientOperationOf : undefined,
  );
  const codes = new BoundedLabel(options.maxErrorCodes ?? 50);
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations answered, by operation name and type.',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_operation_errors_total',
    help: 'Errors in GraphQL answers, by operation name and error code.',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from a GraphQL request arriving to its answer, by operation name and type.',
    labelNames: ['operation', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    async requestDidStart() {
      // One label object and a start time per request, not prom-client's timer closures.
      const started = performance.now();
      const labels = { operation: 'invalid', type: 'unknown' };
      return {
        async didResolveOperation({ operationName, operation: definition }) {
          labels.operation = operationName == null ? 'anonymous' : names.valueFor(operationName);
          labels.type = definition?.operation ?? 'unknown';
        },
        async didEncounterErrors({ errors: encountered }) {
          for (const error of encountered) {
            errors.inc({
              operation: labels.operation,
              code: codes.valueFor(clientErrorCode(error)),
            });
          }
        },
        async willSendResponse() {
          operations.inc(labels);
          duration.observe(labels, (performance.now() - started) / 1_000);
        },
      };
    },
  };
}

/** The client's operation a planned subgraph operation came from: `Op__subgraph__0` is `Op`. */
function clientOperationOf(planned: string): string {
  return /^(.+)__[^_]+__\d+$/.exec(planned)?.[1] ?? planned;
}
