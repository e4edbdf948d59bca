import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@cashtrack/platform';
import { clientErrorCode } from '@cashtrack/platform/graphql';
import type { GatewayContext } from '../context.ts';

/** One JSON line per operation: name, user, duration and the codes of any errors. */
export function requestLogging(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      // Logging above `info` (a bench, a quiet deployment): nothing to time or write.
      if (!log.isLevelEnabled('info')) return undefined;
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          log.info(
            {
              operationName: operationName ?? null,
              userId: contextValue.viewer?.userId ?? null,
              durationMs: Math.round(performance.now() - started),
              errorCodes: (errors ?? []).map(clientErrorCode),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
