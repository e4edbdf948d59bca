import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  postGraphQL,
  startLocalSystem,
  waitFor,
  type LocalSystem,
  type ServiceName,
} from '@cashtrack/test-support';
import { metricNamesIn, observabilityQueries } from './queriedMetrics.ts';
import { labelValuesOf, scrape, type Scrape } from './scrape.ts';

/**
 * Issue 17, item 1: after one `logExpense` through the gateway, every process's /metrics parses
 * and holds the series an operator reads, and no label carries a user id, an email or the text.
 * Real processes, as `npm start` runs them, on a private Kafka and FerretDB.
 */

let system: LocalSystem;
const email = `metrics-${Date.now().toString(36)}@example.com`;
const expenseText = 'Spent $12.34 on metrics-canary groceries today';
let userId = '';
let messageId = '';
const scrapes = new Map<ServiceName, Scrape>();

function baseUrlOf(service: ServiceName): string {
  const port = {
    auth: system.ports.auth,
    user: system.ports.user,
    expense: system.ports.expense,
    'parser-worker': system.ports.parserWorker,
    gateway: system.ports.gateway,
  }[service];
  return `http://127.0.0.1:${port}`;
}

async function call<Data>(query: string, variables: Record<string, unknown>, token?: string) {
  const answer = await postGraphQL<Data>(system.gatewayUrl, query, variables, { token });
  if (answer.data == null || answer.errors.length > 0) {
    throw new Error(`answered ${answer.status}: ${JSON.stringify(answer.errors)}`);
  }
  return answer.data;
}

beforeAll(async () => {
  system = await startLocalSystem();
  const { signUp } = await call<{ signUp: { accessToken: string; user: { id: string } } }>(
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken user { id } } }`,
    { input: { email, password: 'metrics-pass-1', displayName: 'Metrics Canary' } },
  );
  userId = signUp.user.id;
  // A failed log-in, which an operator counts by its error code.
  await postGraphQL(
    system.gatewayUrl,
    `mutation LogIn($input: LogInInput!) { logIn(input: $input) { accessToken } }`,
    { input: { email, password: 'not-the-password' } },
  );
  const { logExpense } = await call<{ logExpense: { id: string } }>(
    `mutation LogExpense($text: String!) { logExpense(text: $text) { id } }`,
    { text: expenseText },
    signUp.accessToken,
  );
  messageId = logExpense.id;
  await waitFor(
    async () => {
      const { expenseMessage } = await call<{ expenseMessage: { status: string } | null }>(
        `query ExpenseMessage($id: ID!) { expenseMessage(id: $id) { status } }`,
        { id: messageId },
        signUp.accessToken,
      );
      return expenseMessage?.status === 'PARSED';
    },
    { timeoutMs: 60_000, description: 'the message parsed and projected' },
  );
  // The projector measures message-to-expense latency just after the batch it reports: wait for it.
  await waitFor(
    async () =>
      sampleValue(await scrape(baseUrlOf('expense')), 'expense_message_to_expense_seconds_count') >=
      1,
    { timeoutMs: 30_000, description: 'the message-to-expense latency measured' },
  );
  for (const service of system.services) scrapes.set(service, await scrape(baseUrlOf(service)));
}, 300_000);

afterAll(async () => {
  await system?.dispose();
}, 60_000);

function scrapeOf(service: ServiceName): Scrape {
  const found = scrapes.get(service);
  if (found === undefined) throw new Error(`${service} was not scraped`);
  return found;
}

/** The sum of a series name's samples whose labels include `labels`; 0 when there are none. */
function sampleValue(
  metrics: Scrape,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return (metrics.get(name)?.metrics ?? [])
    .filter((sample) =>
      Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value),
    )
    .reduce((sum, sample) => sum + Number(sample.value), 0);
}

/** The label sets of a series name's samples. */
function seriesOf(metrics: Scrape, name: string): Readonly<Record<string, string>>[] {
  return (metrics.get(name)?.metrics ?? []).map((sample) => sample.labels ?? {});
}

describe('/metrics on every process', () => {
  const services: ServiceName[] = ['auth', 'user', 'expense', 'parser-worker', 'gateway'];

  it.each(services)('%s: process CPU, memory, event-loop delay and its HTTP requests', (name) => {
    const metrics = scrapeOf(name);
    for (const family of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'http_server_request_duration_seconds_bucket',
    ]) {
      expect(metrics.has(family)).toBe(true);
    }
    expect(seriesOf(metrics, 'http_server_request_duration_seconds_count')).toContainEqual(
      expect.objectContaining({ path: '/ready', method: 'GET', status_code: '200' }),
    );
  });

  it('gateway: the operations by name, the failed log-in by code, and sockets', () => {
    const gateway = scrapeOf('gateway');
    expect(seriesOf(gateway, 'graphql_operations_total')).toEqual(
      expect.arrayContaining([
        { operation: 'SignUp', type: 'mutation' },
        { operation: 'LogIn', type: 'mutation' },
        { operation: 'LogExpense', type: 'mutation' },
        { operation: 'ExpenseMessage', type: 'query' },
      ]),
    );
    expect(seriesOf(gateway, 'graphql_operation_duration_seconds_count')).toContainEqual({
      operation: 'LogExpense',
      type: 'mutation',
    });
    const failures = seriesOf(gateway, 'graphql_operation_errors_total');
    expect(failures.some((labels) => labels.operation === 'LogIn')).toBe(true);
    expect(seriesOf(gateway, 'gateway_subgraph_fetch_duration_seconds_count')).toContainEqual({
      subgraph: 'expense',
      status_code: '200',
    });
    expect(gateway.has('gateway_subscription_sockets_open')).toBe(true);
    expect(gateway.has('gateway_upstream_subscriptions_open')).toBe(true);
  });

  it('subgraphs: the operations the gateway planned for them', () => {
    const operationsOf = (service: ServiceName) =>
      seriesOf(scrapeOf(service), 'graphql_operations_total').map((labels) => labels.operation);
    expect(operationsOf('auth')).toContainEqual(expect.stringMatching(/^SignUp__auth__/));
    expect(operationsOf('expense')).toContainEqual(expect.stringMatching(/^LogExpense__expense__/));
  });

  it('parser worker and expense projector: events handled per group, and lag per partition', () => {
    const parser = scrapeOf('parser-worker');
    const handled = parser
      .get('kafka_consumer_events_handled_total')
      ?.metrics.find((sample) => sample.labels?.group === 'parser-worker');
    expect(Number(handled?.value)).toBeGreaterThanOrEqual(1);
    expect(seriesOf(parser, 'kafka_consumer_lag')).toContainEqual(
      expect.objectContaining({ group: 'parser-worker', partition: expect.any(String) }),
    );
    expect(seriesOf(scrapeOf('expense'), 'kafka_consumer_running')).toContainEqual({
      group: 'projector',
    });
  });

  it('consumers: events handled per topic, dead letters per topic from the start', () => {
    const handled = seriesOf(scrapeOf('parser-worker'), 'kafka_consumer_events_handled_total');
    const submittedTopic = handled.find(
      (labels) =>
        labels.group === 'parser-worker' && labels.topic?.endsWith('cashtrack.expense-messages'),
    );
    expect(submittedTopic).toBeDefined();
    const projector = seriesOf(scrapeOf('expense'), 'kafka_consumer_events_handled_total')
      .filter((labels) => labels.group === 'projector')
      .map((labels) => labels.topic);
    expect(projector).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/cashtrack\.expense-messages$/),
        expect.stringMatching(/cashtrack\.expenses$/),
      ]),
    );
    expect(
      seriesOf(scrapeOf('expense'), 'kafka_consumer_events_dead_lettered_total'),
    ).toContainEqual(expect.objectContaining({ group: 'projector', topic: expect.any(String) }));
  });

  it('expense projector: batch sizes, projection delay and message-to-expense latency', () => {
    const expense = scrapeOf('expense');
    expect(sampleValue(expense, 'expense_projector_batch_events_count')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(expense, 'expense_projection_delay_seconds_count')).toBeGreaterThanOrEqual(
      2,
    );
    expect(sampleValue(expense, 'expense_message_to_expense_seconds_count')).toBeGreaterThanOrEqual(
      1,
    );
  });

  it('parser worker: the message parsed by the rules, its expense, and the model tokens', () => {
    const parser = scrapeOf('parser-worker');
    expect(
      sampleValue(parser, 'parser_messages_total', { parser: 'rules', outcome: 'parsed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(parser, 'parser_expenses_total', { parser: 'rules' }),
    ).toBeGreaterThanOrEqual(1);
    // No model in tests: the series exist, at 0.
    expect(seriesOf(parser, 'parser_model_tokens_total')).toEqual(
      expect.arrayContaining([{ kind: 'prompt' }, { kind: 'completion' }]),
    );
  });

  it('auth and gateway: the failed log-in by reason, and rate limits hit by limit', () => {
    const auth = scrapeOf('auth');
    expect(
      sampleValue(auth, 'auth_login_failures_total', { reason: 'invalid_credentials' }),
    ).toBeGreaterThanOrEqual(1);
    expect(seriesOf(auth, 'auth_login_failures_total')).toContainEqual({
      reason: 'too_many_attempts',
    });
    expect(seriesOf(auth, 'rate_limited_requests_total')).toEqual(
      expect.arrayContaining([{ limit: 'log_in' }, { limit: 'sign_up' }]),
    );
    expect(seriesOf(scrapeOf('gateway'), 'rate_limited_requests_total')).toContainEqual({
      limit: 'root_field',
    });
  });

  it('holds no user id, email, message id or message text in any label', () => {
    for (const service of services) {
      for (const { value } of labelValuesOf(scrapeOf(service))) {
        for (const secret of [userId, email, messageId, expenseText, 'metrics-canary']) {
          expect(value).not.toContain(secret);
        }
      }
    }
  });

  it('bounds each label: no label of any metric takes more than a few dozen values', () => {
    for (const service of services) {
      const distinct = new Map<string, Set<string>>();
      for (const { metric, label, value } of labelValuesOf(scrapeOf(service))) {
        if (label === 'le' || label === 'quantile') continue;
        const key = `${metric}{${label}}`;
        distinct.set(key, (distinct.get(key) ?? new Set()).add(value));
      }
      const unbounded = [...distinct].filter(([, values]) => values.size > 60).map(([key]) => key);
      expect(unbounded).toEqual([]);
    }
  });

  it('holds every metric the Grafana dashboard and the alert rules query', async () => {
    const queries = await observabilityQueries();
    const queried = new Set(queries.flatMap(metricNamesIn));
    expect(queried.size).toBeGreaterThanOrEqual(10);
    // The panels an operator reads for where a message is and why it is late (issue 17, item 3).
    expect([...queried]).toEqual(
      expect.arrayContaining([
        'expense_message_to_expense_seconds_bucket',
        'expense_projection_delay_seconds_bucket',
        'kafka_consumer_events_dead_lettered_total',
        'kafka_consumer_lag',
      ]),
    );
    const scraped = new Set([...scrapes.values()].flatMap((metrics) => [...metrics.keys()]));
    expect([...queried].filter((name) => !scraped.has(name))).toEqual([]);
  });
});
