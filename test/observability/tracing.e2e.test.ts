import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL, startLocalSystem, waitFor, type LocalSystem } from '@cashtrack/test-support';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlpReceiver.ts';

/**
 * Issue 17, item 2: one `logExpense` is one trace. The client sends a W3C `traceparent`; every
 * process (real ones, as `npm start` runs them, on a private Kafka and FerretDB) exports its
 * spans over OTLP/HTTP with its real exporter to a receiver in this test, and the trace holds
 * the gateway's, the expense subgraph's, the Kafka publishes', the parser worker's and the
 * projector's spans, and the gateway's delivery of the change to a live subscriber. Their log
 * lines carry the trace id. The subscriber's socket names a trace of its own (connectionParams),
 * which its subscription's set-up continues; a second socket names its trace only in its upgrade
 * request's `traceparent` header, the fallback for clients and proxies that set headers.
 */

let receiver: OtlpReceiver;
let system: LocalSystem;
const traceId = randomBytes(16).toString('hex');
const clientSpanId = randomBytes(8).toString('hex');
const email = `tracing-${Date.now().toString(36)}@example.com`;
let traceSpans: readonly ReceivedSpan[] = [];
/** The trace the subscriber's socket names, as a browser app would: in connectionParams. */
const socketTraceId = randomBytes(16).toString('hex');
const socketClientSpanId = randomBytes(8).toString('hex');
/**
 * A trace a proxy named in the subscriber's upgrade request: connectionParams, the client's own
 * choice, must win over it.
 */
const proxyTraceId = randomBytes(16).toString('hex');
/** The trace the second socket names in its upgrade request's headers alone. */
const upgradeTraceId = randomBytes(16).toString('hex');
const upgradeClientSpanId = randomBytes(8).toString('hex');
let subscriber: Client | undefined;
let headerSubscriber: Client | undefined;
const delivered: FormattedExecutionResult<Record<string, unknown>, unknown>[] = [];

async function call<Data>(
  query: string,
  variables: Record<string, unknown>,
  options: { token?: string; headers?: Record<string, string> } = {},
) {
  const answer = await postGraphQL<Data>(system.gatewayUrl, query, variables, options);
  if (answer.data == null || answer.errors.length > 0) {
    throw new Error(`answered ${answer.status}: ${JSON.stringify(answer.errors)}`);
  }
  return answer.data;
}

/** `ws`'s WebSocket whose upgrade request carries `traceparent` (no browser can set it). */
function webSocketTracedBy(traceparent: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers: { traceparent } });
    }
  };
}

const changesSubscription = (name: string) =>
  `subscription ${name}($after: String) { expenseChanged(after: $after) { cursor kind expense { id } } }`;

function spansOf(service: string): readonly ReceivedSpan[] {
  return traceSpans.filter((span) => span.service === service);
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  system = await startLocalSystem({
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
      // Spans leave each process within 100 ms, not the SDK's 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
  });
  const { signUp } = await call<{ signUp: { accessToken: string } }>(
    `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { accessToken } }`,
    { input: { email, password: 'tracing-pass-1', displayName: 'Tracing Canary' } },
  );
  const socketUrl = `${system.gatewayUrl.replace(/^http/, 'ws')}/graphql`;
  subscriber = createClient({
    url: socketUrl,
    webSocketImpl: webSocketTracedBy(`00-${proxyTraceId}-${randomBytes(8).toString('hex')}-01`),
    connectionParams: {
      authorization: `Bearer ${signUp.accessToken}`,
      traceparent: `00-${socketTraceId}-${socketClientSpanId}-01`,
    },
    retryAttempts: 0,
  });
  // From the start of the new user's history (after: ""), so no change can slip past before the
  // stream is live.
  subscriber.subscribe(
    { query: changesSubscription('Changes'), variables: { after: '' } },
    {
      next: (result) => delivered.push(result),
      error: (error) => {
        const { message, code, reason } = error as {
          message?: string;
          code?: number;
          reason?: string;
        };
        delivered.push({ errors: [{ message: message ?? `closed ${code} ${reason}` }] });
      },
      complete: () => undefined,
    },
  );
  headerSubscriber = createClient({
    url: socketUrl,
    webSocketImpl: webSocketTracedBy(`00-${upgradeTraceId}-${upgradeClientSpanId}-01`),
    connectionParams: { authorization: `Bearer ${signUp.accessToken}` },
    retryAttempts: 0,
  });
  headerSubscriber.subscribe(
    { query: changesSubscription('HeaderChanges'), variables: { after: '' } },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
  await call<{ logExpense: { id: string } }>(
    `mutation LogExpense($text: String!) { logExpense(text: $text) { id } }`,
    { text: 'Spent $7.25 on tracing-canary coffee today' },
    { token: signUp.accessToken, headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } },
  );
  // Done once the projector's span of the recorded expense and its delivery have arrived.
  traceSpans = await waitFor(
    () => {
      const spans = receiver.spans().filter((span) => span.traceId === traceId);
      const projected = spans.some(
        (span) => span.service === 'expense' && /cashtrack\.expenses process$/.test(span.name),
      );
      const deliveredHere = spans.some((span) => span.name === 'expenseChanged deliver');
      if (projected && deliveredHere && delivered.length > 0) return spans;
      // Said when the wait times out: which of the three is missing.
      throw new Error(
        `projected: ${projected}, delivery span: ${deliveredHere}, results: ${JSON.stringify(delivered)}`,
      );
    },
    { timeoutMs: 60_000, description: "the projector's span of the logged expense, delivered" },
  );
}, 300_000);

afterAll(async () => {
  await subscriber?.dispose();
  await headerSubscriber?.dispose();
  await system?.dispose();
  await receiver?.close();
}, 60_000);

describe('one logExpense, one trace', () => {
  it("continues the client's trace at the gateway and on into the expense subgraph", () => {
    const gatewayRequest = spansOf('gateway').find((span) => span.name === 'POST /graphql');
    expect(gatewayRequest?.parentSpanId).toBe(clientSpanId);
    const expenseRequest = spansOf('expense').find((span) => span.name === 'POST /graphql');
    expect(expenseRequest).toBeDefined();
    // Through Apollo Gateway's own spans of the plan: the subgraph's parent is a gateway span.
    const gatewaySpanIds = new Set(spansOf('gateway').map((span) => span.spanId));
    expect(gatewaySpanIds.has(expenseRequest?.parentSpanId ?? '')).toBe(true);
  });

  it('publishes the message to Kafka in it, and the parser worker consumes it as a child', () => {
    const published = spansOf('expense').find((span) =>
      /cashtrack\.expense-messages publish$/.test(span.name),
    );
    const consumed = spansOf('parser-worker').find((span) =>
      /cashtrack\.expense-messages process$/.test(span.name),
    );
    expect(published).toBeDefined();
    expect(consumed?.parentSpanId).toBe(published?.spanId);
  });

  it("carries on through the parser's events to the projector", () => {
    const parserPublished = spansOf('parser-worker').filter((span) =>
      /cashtrack\.expenses publish$/.test(span.name),
    );
    const projected = spansOf('expense').filter((span) =>
      /cashtrack\.expenses process$/.test(span.name),
    );
    expect(parserPublished.length).toBeGreaterThan(0);
    const publishIds = new Set(parserPublished.map((span) => span.spanId));
    expect(projected.some((span) => publishIds.has(span.parentSpanId))).toBe(true);
  });

  it("delivers the change to the subscriber in the same trace, a child of the projector's span", () => {
    const projectorSpanIds = new Set(
      spansOf('expense')
        .filter((span) => /cashtrack\.expenses process$/.test(span.name))
        .map((span) => span.spanId),
    );
    const deliveries = spansOf('gateway').filter((span) => span.name === 'expenseChanged deliver');
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((span) => projectorSpanIds.has(span.parentSpanId))).toBe(true);
  });

  it("announces the change to every replica in the trace, and leaves the client's payload as it was", () => {
    const announced = spansOf('expense').filter((span) =>
      /cashtrack\.expense-changes publish$/.test(span.name),
    );
    expect(announced.length).toBeGreaterThan(0);
    const added = delivered.find(
      (result) => (result.data?.expenseChanged as { kind?: string } | undefined)?.kind === 'ADDED',
    );
    expect(added).toEqual({
      data: {
        expenseChanged: {
          cursor: expect.any(String),
          kind: 'ADDED',
          expense: { id: expect.any(String) },
        },
      },
    });
    expect(JSON.stringify(delivered)).not.toMatch(/traceparent|tracestate/);
  });

  it("starts the subscription's span in the trace its socket's connectionParams name, not its upgrade header's", () => {
    const setUp = receiver
      .spans()
      .find((span) => span.service === 'gateway' && span.name === 'subscription Changes');
    expect(setUp).toMatchObject({ traceId: socketTraceId, parentSpanId: socketClientSpanId });
    expect(receiver.spans().some((span) => span.traceId === proxyTraceId)).toBe(false);
  });

  it("starts the subscription's span in the trace its upgrade request's traceparent names, without one in connectionParams", async () => {
    const setUp = await waitFor(
      () => {
        const found = receiver
          .spans()
          .find((span) => span.service === 'gateway' && span.name === 'subscription HeaderChanges');
        if (found === undefined) throw new Error('no span of subscription HeaderChanges yet');
        return found;
      },
      { timeoutMs: 10_000, description: "the header-traced subscription's span" },
    );
    expect(setUp).toMatchObject({ traceId: upgradeTraceId, parentSpanId: upgradeClientSpanId });
  });

  it('writes the trace id on the log lines of the work it traced', async () => {
    for (const service of ['gateway', 'expense', 'parser-worker'] as const) {
      const lines = (await readFile(system.logFile(service), 'utf8'))
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map(
          (line) =>
            JSON.parse(line) as { traceId?: string; spanId?: string; correlationId?: string },
        );
      const traced = lines.filter((line) => line.traceId === traceId);
      expect({ service, traced: traced.length > 0 }).toEqual({ service, traced: true });
      expect(traced.every((line) => /^[0-9a-f]{16}$/.test(line.spanId ?? ''))).toBe(true);
    }
  });
});
