import { randomUUID } from 'node:crypto';
import { newEvent } from '@cashtrack/events';
import { CodedError, type Logger } from '@cashtrack/platform';
import type { PasswordHasher } from '../crypto/passwordHasher.ts';
import { validateSignUp, type SignUpInput } from '../domain/credentialRules.ts';
import type { CredentialStore } from '../stores/credentialStore.ts';
import type { LoginGuard } from './loginGuard.ts';
import {
  startSession,
  type AuthSession,
  type RequestOrigin,
  type SessionIssuing,
} from './session.ts';

export interface SignUpDependencies extends SessionIssuing {
  readonly credentials: Pick<CredentialStore, 'create'>;
  readonly loginGuard: Pick<LoginGuard, 'admitSignUp' | 'deviceTokenFor'>;
  readonly hasher: Pick<PasswordHasher, 'hash'>;
  /** Called after a write that left events in an outbox, so the relay need not wait for its tick. */
  readonly outboxWritten: () => void;
  readonly log: Logger;
}

/**
 * Creates the account with its `UserRegistered` in the credential's outbox (one write, so the
 * event cannot be lost between the database and Kafka), then starts its first session.
 */
export async function signUp(
  deps: SignUpDependencies,
  input: SignUpInput,
  origin: RequestOrigin,
): Promise<AuthSession> {
  const valid = validateSignUp(input);
  // Before the password hash and the write, which are what a flood of sign-ups would cost.
  await deps.loginGuard.admitSignUp(origin.clientAddress);
  const userId = randomUUID();
  const now = deps.now();
  const registered = newEvent({
    type: 'UserRegistered',
    userId,
    aggregateId: userId,
    aggregateVersion: 1,
    payload: {
      email: valid.email,
      displayName: valid.displayName,
      currency: 'USD',
      timezone: 'UTC',
    },
    correlationId: origin.correlationId,
    now,
  });
  const password = await deps.hasher.hash(valid.password);
  const created = await deps.credentials.create({ email: valid.email, userId, password }, now, [
    registered,
  ]);
  if (!created) {
    throw new CodedError('EMAIL_TAKEN', 'An account with this email already exists', {
      field: 'email',
    });
  }
  deps.outboxWritten();
  deps.log.info({ userId }, 'user signed up');
  const session = await startSession(deps, userId);
  return { ...session, deviceToken: deps.loginGuard.deviceTokenFor(valid.email) };
}
