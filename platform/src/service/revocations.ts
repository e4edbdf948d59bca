import { setTimeout as delay } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import { startRevocationListener, type RevocationListener } from '@cashtrack/events/kafka';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RevokedAccessTokens } from '../tokens/revokedAccessTokens.ts';

export interface RevocationsOptions {
  readonly kafka: Kafka;
  readonly topicPrefix: string;
  readonly revoked: RevokedAccessTokens;
  /**
   * False: resolves once the revocations of the last minutes are read, so the first request
   * already refuses a token logged out while this replica was down. True (auth, which holds its
   * own revocations in its database and takes requests while Kafka is down): resolves at once,
   * and keeps trying every few seconds until Kafka answers.
   */
  readonly inBackground: boolean;
  readonly log: Logger;
}

/** Feeds `cashtrack.access-token-revocations` into `revoked` for as long as the service runs. */
export async function listenForRevocations(
  options: RevocationsOptions,
): Promise<{ stop(): Promise<void> }> {
  const { kafka, topicPrefix, revoked, log } = options;
  if (!options.inBackground) {
    return startRevocationListener({ kafka, topicPrefix, revoked, log });
  }
  let stopped = false;
  let listener: RevocationListener | undefined;
  const started = (async () => {
    while (!stopped) {
      try {
        listener = await startRevocationListener({ kafka, topicPrefix, revoked, log });
        return;
      } catch (error) {
        log.warn({ err: errorMessage(error) }, 'revocation listener not started; retrying');
        await delay(5_000);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await started;
      await listener?.stop();
    },
  };
}
