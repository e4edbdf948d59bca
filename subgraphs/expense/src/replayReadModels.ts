import { connectMongo } from '@cashtrack/platform/mongo';
import { createKafkaClient } from '@cashtrack/platform/kafka';
import { createLogger, errorMessage } from '@cashtrack/platform';
import { expenseConfigFromEnv } from './config.ts';
import { rebuildExpenseReadModels } from './projections/rebuildExpenseReadModels.ts';

// `npm run replay:expenses`: rebuilds every read model of the expense service from the topics
// (offset 0) and swaps the rebuilt collections in. Same environment as the service.
const log = createLogger('expense-replay', 'stderr');
const config = expenseConfigFromEnv();
const mongo = await connectMongo({ url: config.mongoUrl, database: config.database });
try {
  const results = await rebuildExpenseReadModels({
    kafka: createKafkaClient({ clientId: 'expense-replay', brokers: config.kafkaBrokers }),
    db: mongo.db,
    topicPrefix: config.topicPrefix,
    logger: log,
  });
  log.info({ database: config.database, results }, 'every read model rebuilt');
} catch (error) {
  log.error({ err: errorMessage(error) }, 'replay failed');
  process.exitCode = 1;
} finally {
  await mongo.close();
}
