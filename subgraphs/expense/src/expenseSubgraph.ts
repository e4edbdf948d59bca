import {
  createEventProducer,
  ensureTopics,
  startRevocationListener,
  type EventConsumer,
  type EventProducer,
} from '@cashtrack/events';
import {
  closeOnce,
  connectMongo,
  createAccessTokenVerifier,
  createKafkaClient,
  createLogger,
  jwksKeySource,
  loadSchemaFile,
  refuseRevokedTokens,
  RevokedAccessTokens,
  retryAtStartup,
  startSubgraphServer,
  type Logger,
  type PublicKeyLookup,
  type ShutdownStep,
} from '@cashtrack/platform';
import { createExpenseCommands } from './commands/expenseCommands.ts';
import type { ExpenseConfig } from './config.ts';
import type { ReportExpenseChanges } from './projections/expenseChanges.ts';
import { startExpenseProjector } from './projections/expenseProjector.ts';
import { openChangeEvents, openChangeLog } from './subscriptions/changeLog.ts';
import {
  ChangeNotificationHub,
  changeNotificationsTopic,
  ensureChangeNotificationsTopic,
} from './subscriptions/changeNotifications.ts';
import { changeReporter } from './subscriptions/changeReporter.ts';
import { expenseReadModels, type ExpenseReadModels } from './readModels/readModels.ts';
import { expenseSubgraphResolvers } from './resolvers/index.ts';

export interface RunningExpenseSubgraph {
  /** e.g. `http://127.0.0.1:4003`; GraphQL at `/graphql`. */
  readonly url: string;
  readonly models: ExpenseReadModels;
  readonly projector: EventConsumer;
  /** The user's subscriptions on this replica that hear every change logged from now on. */
  liveSubscriptionsOf(userId: string): number;
  /** In shutdown order: HTTP first, then the projector and producer, the database last. */
  readonly shutdownSteps: readonly ShutdownStep[];
  close(): Promise<void>;
}

export interface ExpenseSubgraphOverrides {
  /** The clock; tests fix it. Default the system clock. */
  readonly now?: () => Date;
  /** Where applied changes are reported; default the change log and its announcements. */
  readonly reportChanges?: ReportExpenseChanges;
  /** Default the JWKS at `config.jwksUrl`. */
  readonly publicKeyFor?: PublicKeyLookup;
  /** Default true: a fatal projector error exits the process so it is restarted. */
  readonly exitOnFatal?: boolean;
  readonly logger?: Logger;
}

/**
 * Starts the expense subgraph and, in the same process, its projector: read models and their
 * indexes in its database, events published for every command, GraphQL over HTTP.
 */
export async function startExpenseSubgraph(
  config: ExpenseConfig,
  overrides: ExpenseSubgraphOverrides = {},
): Promise<RunningExpenseSubgraph> {
  const log = overrides.logger ?? createLogger('expense');
  const now = overrides.now ?? (() => new Date());
  const mongo = await connectMongo({ url: config.mongoUrl, database: config.database });
  const models = expenseReadModels(mongo.db);

  const kafka = createKafkaClient({ clientId: 'expense', brokers: config.kafkaBrokers });
  await ensureTopics(kafka, { prefix: config.topicPrefix });
  const producer: EventProducer = createEventProducer(kafka, { topicPrefix: config.topicPrefix });
  await producer.connect();

  // Subscriptions: the projector logs each change and announces it; every replica listens.
  const changeLog = await openChangeLog(mongo.db);
  const changesTopic = `${config.topicPrefix}${changeNotificationsTopic}`;
  await ensureChangeNotificationsTopic(kafka, changesTopic);
  const changeProducer = kafka.producer();
  await retryAtStartup('Kafka change producer', () => changeProducer.connect());
  const changeHub = new ChangeNotificationHub(kafka, changesTopic, config.topicPrefix, log);
  await changeHub.start();
  const projector = await startExpenseProjector({
    kafka,
    db: mongo.db,
    topicPrefix: config.topicPrefix,
    reportChanges:
      overrides.reportChanges ??
      changeReporter(
        changeLog,
        openChangeEvents(mongo.db),
        changeProducer,
        changesTopic,
        changeHub,
      ),
    sessionTimeoutMs: config.projectorSessionTimeoutMs,
    knownBuckets: config.projectorKnownBuckets,
    exitOnFatal: overrides.exitOnFatal ?? true,
    logger: log.child({ part: 'projector' }),
  });

  // Read before the server starts, so a restarted replica refuses logged-out tokens at once.
  const revoked = new RevokedAccessTokens();
  const revocations = await startRevocationListener({
    kafka,
    topicPrefix: config.topicPrefix,
    revoked,
    log,
  });

  const commands = createExpenseCommands({
    models,
    producer,
    projectionWaitMs: config.projectionWaitMs,
    now,
  });
  const server = await startSubgraphServer({
    name: 'expense',
    typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: expenseSubgraphResolvers({
      models,
      commands,
      changes: { log: changeLog, hub: changeHub },
    }),
    subscriptions: true,
    port: config.port,
    host: config.host,
    verifier: refuseRevokedTokens(
      createAccessTokenVerifier({
        issuer: config.issuer,
        audience: config.audience,
        publicKeyFor: overrides.publicKeyFor ?? jwksKeySource({ jwksUrl: config.jwksUrl }),
      }),
      revoked,
    ),
    // Commands need the database and a running projector (their answers wait for it).
    isReady: async () => (await mongo.ping()) && projector.stats().state === 'running',
    logger: log,
  });

  const shutdownSteps: ShutdownStep[] = [
    { name: 'http', stop: () => server.close() },
    { name: 'change announcements', stop: () => changeHub.stop() },
    { name: 'projector', stop: () => projector.stop() },
    { name: 'revocation listener', stop: () => revocations.stop() },
    { name: 'change producer', stop: () => changeProducer.disconnect() },
    { name: 'kafka producer', stop: () => producer.disconnect() },
    { name: 'mongo', stop: () => mongo.close() },
  ];
  return {
    url: server.url,
    models,
    projector,
    liveSubscriptionsOf: (userId) => changeHub.liveStreamsOf(userId),
    shutdownSteps,
    close: closeOnce(shutdownSteps),
  };
}
