import { topicNames } from '@cashtrack/events';
import { type EventConsumer } from '@cashtrack/events/kafka';
import { loadSchemaFile } from '@cashtrack/platform/graphql';
import { type Logger } from '@cashtrack/platform';
import { startService, type RunningService } from '@cashtrack/platform/service';
import type { UserConfig } from './config.ts';
import { projectUserEvent } from './projections/userProfilesProjection.ts';
import { userProfilesCollection } from './readModels/userProfilesReadModel.ts';
import { userResolvers } from './resolvers/userResolvers.ts';

export interface RunningUserSubgraph extends RunningService {
  readonly consumer: EventConsumer;
}

export interface UserSubgraphOverrides {
  readonly now?: () => Date;
  readonly logger?: Logger;
}

/**
 * The user subgraph: the profiles projection consuming `cashtrack.users`, and `me`,
 * `updateProfile` and `User` references over HTTP, every request checked against auth's JWKS.
 */
export function startUserSubgraph(
  config: UserConfig,
  overrides: UserSubgraphOverrides = {},
): Promise<RunningUserSubgraph> {
  return startService({
    name: 'user',
    config,
    logger: overrides.logger,
    mongo: true,
    kafkaAtStart: true,
    accessTokens: config,
    parts: async ({ mongo, producer, log, consume }) => {
      const profiles = userProfilesCollection(mongo.db);
      const consumer = await consume({
        groupId: config.consumerGroup,
        topics: [topicNames(config.topicPrefix).users],
        handle: async (event) => {
          const result = await projectUserEvent(profiles, event);
          if (result !== undefined) {
            log.debug(
              { type: event.type, userId: event.userId, outcome: result.outcome },
              'projected',
            );
          }
        },
      });
      return {
        graphql: {
          typeDefs: loadSchemaFile(new URL('./schema.graphql', import.meta.url)),
          resolvers: userResolvers({
            profiles,
            producer,
            profileWaitMs: config.profileWaitMs,
            updateWaitMs: config.updateWaitMs,
            now: overrides.now ?? (() => new Date()),
            log,
          }),
        },
        own: { consumer },
      };
    },
  });
}
