import type { Server } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  specifiedRules,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { createDocumentCache, serveGraphQLWs } from '@cashtrack/platform/graphql';
import {
  newCorrelationId,
  traceCarrierIn,
  withCorrelation,
  type Logger,
  type TraceCarrier,
} from '@cashtrack/platform';
import {
  activeTracer,
  inSocketOperationSpan,
  inSubscriptionDeliverySpan,
  withSamplingOfOurs,
} from '@cashtrack/platform/tracing';
import { type AccessTokenVerifier, type RevokedAccessTokens } from '@cashtrack/platform/tokens';
import type { GatewayContext } from '../context.ts';
import { operationLimitRules, type OperationLimits } from '../limits/operationLimits.ts';
import { SocketCloseCode, tooManySubscriptionsCode } from './closeCodes.ts';
import {
  clientAddressOf,
  defaultSocketLimits,
  SocketCounts,
  type SocketLimits,
} from './socketLimits.ts';
import { openSocketSession, renewSocketSession, type SocketSession } from './socketSession.ts';
import type { ResolvedAlone } from './resolvedAlone.ts';
import { planSubscription, type FollowUp, type SubscriptionPlan } from './subscriptionRoutes.ts';
import {
  cursorOf,
  type UpstreamEvent,
  type UpstreamSubscriptions,
} from './upstreamSubscriptions.ts';

export interface SubscriptionServerOptions {
  readonly httpServer: Server;
  readonly path: string;
  /** The public API schema, to validate operations against. */
  readonly apiSchema: GraphQLSchema;
  readonly verifier: AccessTokenVerifier;
  /** Runs queries and mutations, and each subscription event's follow-up query, through the gateway. */
  readonly apollo: ApolloServer<GatewayContext>;
  readonly upstream: UpstreamSubscriptions;
  /** Which subscriptions the owning subgraph serves whole, without a query per event. */
  readonly resolvedAlone: ResolvedAlone;
  readonly limits: OperationLimits;
  /** What one client may hold open. Default `defaultSocketLimits`. */
  readonly socketLimits?: SocketLimits;
  /** `GATEWAY_TRUST_PROXY`: take the client's address from `x-forwarded-for`, as HTTP does. */
  readonly trustProxy?: boolean;
  /** Revoked tokens and ended sessions: a socket speaking with one is closed with 4420. */
  readonly revoked?: RevokedAccessTokens;
  readonly log: Logger;
  readonly now?: () => number;
}

/**
 * What the gateway keeps per socket besides its session: not the upgrade request, only the trace
 * context its headers named (while tracing is on).
 */
type Extra = {
  readonly socket: WebSocket;
  readonly clientAddress: string;
  readonly upgradeTrace?: TraceCarrier;
};

/** What an open socket is counted under, so that its close releases exactly that. */
interface SocketAccount {
  readonly address: string;
  /** Set once `connection_init` carried a valid token and the user's count took the socket. */
  userId?: string;
}

/**
 * How often open sockets are checked for an expired or revoked token, in ms: a socket is closed
 * with 4419 at most this long after its token's `exp`, with 4420 at most this long after the
 * revocation reached this gateway. One timer for all sockets, not one per socket.
 */
const expiryCheckMs = 1_000;

/**
 * graphql-ws on the gateway's `/graphql`. The access token is checked at `connection_init`
 * (refused: close 4403), the socket is closed with 4419 when the token expires unless the client
 * renewed it with a ping carrying a fresh token. Each subscription goes to the owning subgraph:
 * as it is when that subgraph resolves the whole selection, otherwise as a stream of cursors,
 * each followed up with the client's selection through query planning (subscriptionRoutes.ts).
 */
export function startSubscriptionServer(options: SubscriptionServerOptions) {
  const { apiSchema, verifier, apollo, upstream, log } = options;
  const now = options.now ?? Date.now;
  const traced = activeTracer() !== undefined;
  /** The trace each traced operation starts in, by its context; only while tracing is on. */
  const operationTraces = new WeakMap<GatewayContext, TraceCarrier>();
  const sessions = new WeakMap<WebSocket, SocketSession>();
  const parsedAndValidated = createDocumentCache({
    schema: apiSchema,
    rules: [...specifiedRules, ...operationLimitRules(options.limits)],
    maxTokens: options.limits.maxTokens,
  });
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  const socketLimits = options.socketLimits ?? defaultSocketLimits;
  const trustProxy = options.trustProxy ?? false;
  const perAddress = new SocketCounts(socketLimits.maxSocketsPerAddress);
  const perUser = new SocketCounts(socketLimits.maxSocketsPerUser);
  const accounts = new WeakMap<WebSocket, SocketAccount>();
  // One function for every socket's 'close' (no closure per socket); `ws` emits it exactly once.
  function released(this: WebSocket): void {
    const account = accounts.get(this);
    if (account === undefined) return;
    accounts.delete(this);
    perAddress.remove(account.address);
    if (account.userId !== undefined) perUser.remove(account.userId);
  }

  const expiryCheck = setInterval(() => {
    const at = now();
    for (const socket of webSocketServer.clients) {
      const session = sessions.get(socket);
      if (session === undefined) continue;
      if (session.viewer.expiresAt.getTime() <= at) {
        sessions.delete(socket);
        socket.close(SocketCloseCode.TokenExpired, 'Access token expired');
      } else if (options.revoked?.isRevoked(session.viewer) === true) {
        sessions.delete(socket);
        log.info({ userId: session.viewer.userId }, 'socket closed: its access token was revoked');
        socket.close(SocketCloseCode.TokenRevoked, 'Access token revoked');
      }
    }
  }, expiryCheckMs);
  expiryCheck.unref();

  const gatewayContext = (ctx: Context<Record<string, unknown>, Extra>): GatewayContext => {
    const session = sessions.get(ctx.extra.socket);
    return {
      correlationId: newCorrelationId(),
      clientAddress: ctx.extra.clientAddress,
      authorization: session?.authorization,
      viewer: session?.viewer,
      issuedInOperation: {},
      internal: false,
    };
  };

  const runThroughGateway = async (
    document: DocumentNode,
    variables: Record<string, unknown>,
    context: GatewayContext,
  ): Promise<ExecutionResult> => {
    const response = await apollo.executeOperation(
      { query: document, variables },
      { contextValue: context },
    );
    if (response.body.kind !== 'single')
      throw new Error('incremental delivery is not supported here');
    const { data, errors, extensions } = response.body.singleResult;
    // Apollo hands back errors already formatted for the wire; graphql-ws formats them again.
    return {
      data,
      ...(errors === undefined
        ? {}
        : {
            errors: errors.map(
              (error) =>
                new GraphQLError(error.message, { path: error.path, extensions: error.extensions }),
            ),
          }),
      ...(extensions === undefined ? {} : { extensions }),
    };
  };

  /** One subscription: its plan, its upstream events, and each one's result for the client. */
  const subscribe = (
    args: ExecutionArgs,
    operation: OperationDefinitionNode | null | undefined,
  ): ExecutionResult | SubscriberStream => {
    const context = args.contextValue as GatewayContext;
    if (
      operation?.operation !== OperationTypeNode.SUBSCRIPTION ||
      context.authorization === undefined
    ) {
      return { errors: [new GraphQLError('Not a subscription')] };
    }
    const plan = planSubscription(
      args.document,
      operation,
      { ...args.variableValues },
      options.resolvedAlone,
    );
    const events = upstream.subscribe(plan.route.subgraph, {
      ...plan.upstream,
      authorization: context.authorization,
      resume: { field: plan.upstreamField, variable: plan.resumeVariable },
    });
    const resultOf =
      plan.followUp === undefined
        ? asClientResult
        : followingUp(plan, plan.followUp, context, runThroughGateway);
    // Tracing on, each event is delivered in its own trace, under the field its upstream names.
    const delivery = traced ? plan.upstreamField : undefined;
    return new SubscriberStream(events, resultOf, context.viewer?.userId, log, delivery);
  };

  const serverCleanup = serveGraphQLWs<Record<string, unknown>, Extra>(
    webSocketServer,
    {
      onConnect: async (ctx) => {
        const session = await openSocketSession(verifier, ctx.connectionParams);
        if (session === undefined) return false;
        const { socket } = ctx.extra;
        const account = accounts.get(socket);
        // Closed while the token was checked: its close released it, so it must not count now.
        if (account === undefined || socket.readyState !== socket.OPEN) return false;
        const { userId } = session.viewer;
        if (!perUser.tryAdd(userId)) {
          log.warn(
            { userId, limit: socketLimits.maxSocketsPerUser },
            'socket refused: too many for this user',
          );
          // Closed before graphql-ws's own 4403 for `false`, which then changes nothing.
          socket.close(SocketCloseCode.TooManySocketsForUser, 'Too many sockets for this user');
          return false;
        }
        account.userId = userId;
        sessions.set(socket, session);
        return true;
      },
      onPing: async (ctx, payload) => {
        const current = sessions.get(ctx.extra.socket);
        if (current === undefined) return;
        const { outcome, session } = await renewSocketSession(verifier, current, payload);
        if (outcome === 'refused') {
          ctx.extra.socket.close(SocketCloseCode.InvalidToken, 'Invalid token');
        } else if (outcome === 'renewed') {
          sessions.set(ctx.extra.socket, session);
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        // graphql-ws lists an operation in `ctx.subscriptions` before this hook and removes it
        // when it ends, however it ends, so the count needs no bookkeeping of ours to leak.
        if (Object.keys(ctx.subscriptions).length > socketLimits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(
              `At most ${socketLimits.maxSubscriptionsPerSocket} subscriptions may run on one socket`,
              {
                extensions: {
                  code: tooManySubscriptionsCode,
                  limit: socketLimits.maxSubscriptionsPerSocket,
                },
              },
            ),
          ];
        }
        const document = parsedAndValidated(payload.query);
        if (!('kind' in document)) return document;
        const contextValue = gatewayContext(ctx);
        if (traced) {
          const parent = socketTrace(ctx.connectionParams, ctx.extra.upgradeTrace);
          if (parent !== undefined) operationTraces.set(contextValue, parent);
        }
        const args: ExecutionArgs = {
          schema: apiSchema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
        return args;
      },
      execute: (args) => {
        const context = args.contextValue as GatewayContext;
        const run = () =>
          withCorrelation(context.correlationId, () =>
            runThroughGateway(args.document, { ...args.variableValues }, context),
          );
        if (!traced) return run();
        const operation = getOperationAST(args.document, args.operationName);
        return inSocketOperationSpan(
          operation?.operation ?? 'query',
          operation?.name?.value,
          operationTraces.get(context),
          run,
        );
      },
      subscribe: (args) => {
        const operation = getOperationAST(args.document, args.operationName);
        if (!traced) return subscribe(args, operation);
        return inSocketOperationSpan(
          operation?.operation ?? 'subscription',
          operation?.name?.value,
          operationTraces.get(args.contextValue as GatewayContext),
          () => Promise.resolve(subscribe(args, operation)),
        );
      },
    },
    {
      maxPayloadBytes: socketLimits.maxPayloadBytes,
      admit: (socket, request) => {
        const address = clientAddressOf(request, trustProxy);
        if (!perAddress.tryAdd(address)) {
          log.warn(
            { clientAddress: address, limit: socketLimits.maxSocketsPerAddress },
            'socket refused: too many from this address',
          );
          return {
            code: SocketCloseCode.TooManySocketsFromAddress,
            reason: 'Too many sockets from this address',
          };
        }
        accounts.set(socket, { address });
        socket.once('close', released);
        return undefined;
      },
      extra: (socket, request) => {
        const clientAddress = accounts.get(socket)?.address ?? clientAddressOf(request, trustProxy);
        const upgradeTrace = traced ? traceCarrierIn(request.headers) : undefined;
        return upgradeTrace === undefined
          ? { socket, clientAddress }
          : { socket, clientAddress, upgradeTrace };
      },
      log,
    },
  );

  return {
    /** Open sockets, for health and benchmarks. */
    sockets: (): number => webSocketServer.clients.size,
    /** Client addresses and users with sockets counted now: zero once all have closed. */
    countedKeys: (): { addresses: number; users: number } => ({
      addresses: perAddress.keys,
      users: perUser.keys,
    }),
    async dispose(): Promise<void> {
      clearInterval(expiryCheck);
      await serverCleanup.dispose();
      upstream.dispose();
    },
  };
}

/**
 * The trace a socket's operations continue: `connectionParams.traceparent` (and `tracestate`),
 * else the upgrade request's headers. A browser cannot set headers on a WebSocket upgrade, so
 * `connectionParams` is how an app names its trace; the upgrade's headers serve clients and
 * proxies that send them. The client's own choice wins over a header a proxy may have set.
 * Whether it is sampled is ours to draw, never the client's (untrustedCallers.ts).
 */
function socketTrace(
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  upgradeTrace: TraceCarrier | undefined,
): TraceCarrier | undefined {
  return withSamplingOfOurs(traceCarrierIn(connectionParams) ?? upgradeTrace);
}

type RunThroughGateway = (
  document: DocumentNode,
  variables: Record<string, unknown>,
  context: GatewayContext,
) => Promise<ExecutionResult>;

const ended: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The client's result for one upstream event. */
type ResultOf = (event: UpstreamEvent) => ExecutionResult | Promise<ExecutionResult>;

/** An upstream event as the client's result: the owning subgraph resolved the whole selection. */
const asClientResult: ResultOf = ({ data, errors }) => ({
  ...(data === undefined ? {} : { data }),
  ...(errors === undefined ? {} : { errors: errors.map(asGraphQLError) }),
});

/** Each upstream cursor followed up: the client's selection run as a query through the gateway. */
function followingUp(
  plan: SubscriptionPlan,
  followUp: FollowUp,
  context: GatewayContext,
  run: RunThroughGateway,
): ResultOf {
  return (event) => {
    const cursor = cursorOf(event, plan.upstreamField);
    if (cursor === undefined) return { errors: (event.errors ?? []).map(asGraphQLError) };
    return withCorrelation(context.correlationId, () =>
      run(followUp.document, followUp.variables(cursor), { ...context, internal: true }),
    );
  };
}

function asGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.path === undefined ? {} : { path: error.path }),
    extensions: error.extensions,
  });
}

/**
 * One subscriber's results, one per upstream event. Not an async generator: graphql-ws calls
 * `return()` when the client leaves, and a generator's `return()` would wait behind the `next()`
 * pending on an idle upstream, so the socket, the upstream subscription and the subgraph's
 * stream would never be let go.
 */
class SubscriberStream implements AsyncIterableIterator<ExecutionResult> {
  private finished = false;

  constructor(
    private readonly events: AsyncIterableIterator<UpstreamEvent>,
    private readonly resultOf: ResultOf,
    private readonly userId: string | undefined,
    private readonly log: Logger,
    /** The upstream field, to name each event's delivery span; undefined while tracing is off. */
    private readonly delivery?: string,
  ) {}

  async next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    let step: IteratorResult<UpstreamEvent, unknown>;
    try {
      step = await this.events.next();
    } catch (error) {
      await this.finish();
      throw error;
    }
    if (step.done === true) {
      await this.finish();
      return ended;
    }
    const event = step.value;
    if (this.delivery === undefined) return { done: false, value: await this.resultOf(event) };
    // The event's trace context rides in its `extensions`, which no client result carries on
    // (`asClientResult` keeps data and errors; a follow-up's result is the gateway's own).
    const value = await inSubscriptionDeliverySpan(
      this.delivery,
      traceCarrierIn(event.extensions),
      () => Promise.resolve(this.resultOf(event)),
    );
    return { done: false, value };
  }

  async return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    await this.finish();
    return ended;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.events.return?.();
    this.log.debug({ userId: this.userId }, 'subscription ended');
  }
}
