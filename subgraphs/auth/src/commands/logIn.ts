import { CodedError, type Logger } from '@cashtrack/platform';
import type { PasswordHasher } from '../crypto/passwordHasher.ts';
import { normalizeEmail } from '../domain/credentialRules.ts';
import type { CredentialStore } from '../stores/credentialStore.ts';
import type { LoginGuard } from './loginGuard.ts';
import {
  startSession,
  type AuthSession,
  type RequestOrigin,
  type SessionIssuing,
} from './session.ts';

export interface LogInInput {
  readonly email: string;
  readonly password: string;
  /** The device token an earlier session gave this client, if it kept one. */
  readonly deviceToken?: string | null;
}

export interface LogInDependencies extends SessionIssuing {
  readonly credentials: Pick<CredentialStore, 'findByEmail'>;
  /** Log-in throttling: who may try now, and device tokens for known clients. */
  readonly loginGuard: Pick<LoginGuard, 'admit' | 'deviceTokenFor'>;
  readonly hasher: Pick<PasswordHasher, 'verify'>;
  readonly log: Logger;
}

/** Checks the password behind the log-in throttle and starts a session. */
export async function logIn(
  deps: LogInDependencies,
  input: LogInInput,
  origin: RequestOrigin,
): Promise<AuthSession> {
  const email = normalizeEmail(input.email);
  // Throws TOO_MANY_ATTEMPTS; an admitted attempt already counts on most counters.
  const attempt = await deps.loginGuard.admit({
    email,
    clientAddress: origin.clientAddress,
    deviceToken: input.deviceToken,
  });
  const credential = await deps.credentials.findByEmail(email);
  // Unknown email or wrong password: the same work, the same answer.
  const matches = await deps.hasher.verify(input.password, credential?.password);
  if (credential === undefined || !matches) {
    await attempt.failed();
    deps.log.info({ clientAddress: origin.clientAddress }, 'log-in failed');
    throw new CodedError('INVALID_CREDENTIALS', 'The email or password is not correct');
  }
  await attempt.succeeded();
  deps.log.info({ userId: credential.userId }, 'user logged in');
  const session = await startSession(deps, credential.userId);
  return { ...session, deviceToken: deps.loginGuard.deviceTokenFor(email) };
}
