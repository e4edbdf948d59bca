import type { EventConsumer } from '@cashtrack/events/kafka';
import { loadSchemaFile } from '@cashtrack/platform/graphql';
import { retryAtStartup, type Logger } from '@cashtrack/platform';
import { metricsEnabled, ProjectorMetrics } from '@cashtrack/platform/metrics';
import { type PublicKeyLookup } from '@cashtrack/platform/tokens';
import { startService, type RunningService } from '@cashtrack/platform/service';
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

export interface RunningExpenseSubgraph extends RunningService {
  readonly models: ExpenseReadModels;
  readonly projector: EventConsumer;
  /** The user's subscriptions on this replica that hear every change logged from now on. */
  liveSubscriptionsOf(userId: string): number;
}

export interface ExpenseSubgraphOverrides {
  /** The clock; tests fix it. Default the system clock. */
  readonly now?: () => Date;
  /** Where applied changes are reported; default the change log and its announcements. */
  readonly reportChanges?: ReportExpenseChanges;
  /** Default the JWKS at `config.jwksUrl`. */
  readonly publicKeyFor?: PublicKeyLookup;
  readonly logger?: Logger;
}

/**
 * The expense subgraph and, in the same process, its projector: read models in its database,
 * events published for every command, GraphQL and subscriptions over HTTP, each change
 * announced to every replica's subscribers.
 */
export function startExpenseSubgraph(
  config: ExpenseConfig,
  overrides: ExpenseSubgraphOverrides = {},
): Promise<RunningExpenseSubgraph> {
  return startService({
    name: 'expense',
    config,
    logger: overrides.logger,
    mongo: true,
    kafkaAtStart: true,
    accessTokens: config,
    parts: async ({ mongo, kafka, producer, log, metrics, watchConsumer, onShutdown }) => {
      const models = expenseReadModels(mongo.db);
      // Subscriptions: the projector logs each change and announces it; every replica listens.
      const changeLog = await openChangeLog(mongo.db);
      const changesTopic = `${config.topicPrefix}${changeNotificationsTopic}`;
      await ensureChangeNotificationsTopic(kafka, changesTopic);
      const changeProducer = kafka.producer();
      await retryAtStartup('Kafka change producer', () => changeProducer.connect());
      onShutdown('producers', 'change producer', () => changeProducer.disconnect());
      const changeHub = new ChangeNotificationHub(kafka, changesTopic, config.topicPrefix, log);
      await changeHub.start();
      onShutdown('work', 'change announcements', () => changeHub.stop());
      const projector = watchConsumer(
        'projector',
        await startExpenseProjector({
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
          logger: log.child({ part: 'projector' }),
          metrics: metricsEnabled() ? new ProjectorMetrics(metrics) : undefined,
        }),
      );
      const commands = createExpenseCommands({
        models,
        producer,
        projectionWaitMs: config.projectionWaitMs,
        now: overrides.now ?? (() => new Date()),
      });
      return {
        graphql: {
          typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
          resolvers: expenseSubgraphResolvers({
            models,
            commands,
            changes: { log: changeLog, hub: changeHub },
          }),
          subscriptions: true,
          publicKeyFor: overrides.publicKeyFor,
        },
        own: {
          models,
          projector,
          liveSubscriptionsOf: (userId: string) => changeHub.liveStreamsOf(userId),
        },
      };
    },
  });
}
