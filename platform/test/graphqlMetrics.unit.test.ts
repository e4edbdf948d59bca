import { describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { Registry } from 'prom-client';
import { graphqlMetricsPlugin, type GraphQLMetricsOptions } from '../src/metrics/graphqlMetrics.ts';

/** Operation names are the client's text: only valid ones count by name, and only so many. */

const typeDefs = 'type Query { hello: String, broken: String }';
const resolvers = {
  Query: {
    hello: () => 'hi',
    broken: () => {
      throw new Error('no');
    },
  },
};

async function serverWithMetrics(
  maxOperationNames: number,
  options: Omit<GraphQLMetricsOptions, 'maxOperationNames'> = { knownOperationNames: [] },
) {
  const registry = new Registry();
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [graphqlMetricsPlugin(registry, { maxOperationNames, ...options })],
  });
  await server.start();
  return { registry, server };
}

async function labelValues(registry: Registry, metric: string, label: string) {
  const found = await registry.getSingleMetric(metric)?.get();
  return (found?.values ?? []).map((value) => value.labels[label]);
}

describe('GraphQL operation metrics', () => {
  it('counts valid operations by name, up to the cap, and the rest as other', async () => {
    const { registry, server } = await serverWithMetrics(2);
    for (const name of ['First', 'Second', 'Third', 'Fourth', 'First']) {
      await server.executeOperation({ query: `query ${name} { hello }` });
    }
    expect(await labelValues(registry, 'graphql_operations_total', 'operation')).toEqual([
      'First',
      'Second',
      'other',
    ]);
    const counts = await registry.getSingleMetric('graphql_operations_total')?.get();
    expect(counts?.values.map((value) => value.value)).toEqual([2, 1, 2]);
    await server.stop();
  });

  it("counts the app's operations by name even after junk names took every other place", async () => {
    // Given the cap filled by names nobody knows, sent before any of the app's (the default)
    const { registry, server } = await serverWithMetrics(2, {});
    for (const name of ['JunkOne', 'JunkTwo', 'JunkThree', 'Expenses', 'LogExpense']) {
      await server.executeOperation({ query: `query ${name} { hello }` });
    }

    // Then the app's operations still count as themselves (app/src/api/operations.graphql)
    expect(await labelValues(registry, 'graphql_operations_total', 'operation')).toEqual([
      'JunkOne',
      'JunkTwo',
      'other',
      'Expenses',
      'LogExpense',
    ]);
    await server.stop();
  });

  it("on a subgraph, counts the gateway's plans of known operations by name, not their lookalikes", async () => {
    const { registry, server } = await serverWithMetrics(0, {
      knownOperationNames: ['LogExpense'],
      plannedOperationNames: true,
    });
    for (const name of ['LogExpense__expense__0', 'LogExpense__expense__1', 'LogExpenses__x__0']) {
      await server.executeOperation({ query: `query ${name} { hello }` });
    }
    expect(await labelValues(registry, 'graphql_operations_total', 'operation')).toEqual([
      'LogExpense__expense__0',
      'LogExpense__expense__1',
      'other',
    ]);
    await server.stop();
  });

  it('never takes a name from an operation that does not parse or validate', async () => {
    const { registry, server } = await serverWithMetrics(10);
    await server.executeOperation({ query: 'query alice@example.com { hello }' });
    await server.executeOperation({ query: 'query SpentFiftyOnGroceries { nothingHere }' });
    await server.executeOperation({ query: '{ hello }' });
    expect(await labelValues(registry, 'graphql_operations_total', 'operation')).toEqual([
      'invalid',
      'anonymous',
    ]);
    expect(await labelValues(registry, 'graphql_operation_errors_total', 'code')).toEqual([
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    await server.stop();
  });

  it('counts an error without a code as an internal error of its operation', async () => {
    const { registry, server } = await serverWithMetrics(10);
    await server.executeOperation({ query: 'query Broken { broken }' });
    const errors = await registry.getSingleMetric('graphql_operation_errors_total')?.get();
    expect(errors?.values).toEqual([
      { labels: { operation: 'Broken', code: 'INTERNAL_SERVER_ERROR' }, value: 1 },
    ]);
    const durations = await registry.getSingleMetric('graphql_operation_duration_seconds')?.get();
    expect(durations?.values).toContainEqual(
      expect.objectContaining({
        metricName: 'graphql_operation_duration_seconds_count',
        labels: { operation: 'Broken', type: 'query' },
        value: 1,
      }),
    );
    await server.stop();
  });
});
