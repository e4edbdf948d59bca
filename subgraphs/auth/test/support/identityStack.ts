import { testNamespace, type TestNamespace } from '@cashtrack/test-support';
import { authConfigFromEnv, type AuthConfig } from '../../src/config.ts';
import { startAuthSubgraph, type RunningAuthSubgraph } from '../../src/authSubgraph.ts';
import { userConfigFromEnv, type UserConfig } from '../../../user/src/config.ts';
import { startUserSubgraph, type RunningUserSubgraph } from '../../../user/src/userSubgraph.ts';
import { postGraphQL } from '@cashtrack/test-support';

/** A clock tests can move; starts at the real time. */
export interface TestClock {
  readonly now: () => Date;
  readonly advance: (ms: number) => void;
}

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
}

/** Auth configured for one test file: free port, its own database and topic prefix. */
export function authTestConfig(
  namespace: TestNamespace,
  overrides: Partial<AuthConfig> = {},
): AuthConfig {
  const defaults = authConfigFromEnv();
  return {
    ...defaults,
    port: 0,
    database: `${namespace.database}_a`,
    topicPrefix: namespace.topicPrefix,
    // Test files sign many people up from one address; the tests about that limit set their own.
    loginThrottle: {
      ...defaults.loginThrottle,
      signUp: { ...defaults.loginThrottle.signUp, freeAttempts: 1_000_000 },
    },
    ...overrides,
  };
}

export function userTestConfig(
  namespace: TestNamespace,
  auth: { readonly url: string },
  overrides: Partial<UserConfig> = {},
): UserConfig {
  return {
    ...userConfigFromEnv(),
    port: 0,
    database: `${namespace.database}_u`,
    topicPrefix: namespace.topicPrefix,
    jwksUrl: `${auth.url}/.well-known/jwks.json`,
    // Tests rotate keys and expect the next request to see the new one.
    jwksMinRefetchMs: 0,
    ...overrides,
  };
}

export interface IdentityStack {
  readonly namespace: TestNamespace;
  readonly clock: TestClock;
  readonly auth: RunningAuthSubgraph;
  readonly user: RunningUserSubgraph;
  close(): Promise<void>;
}

/** Auth and user in-process, wired to each other, for one test file. */
export async function startIdentityStack(
  options: { readonly auth?: Partial<AuthConfig>; readonly user?: Partial<UserConfig> } = {},
): Promise<IdentityStack> {
  const namespace = testNamespace();
  const clock = testClock();
  const auth = await startAuthSubgraph(authTestConfig(namespace, options.auth), { now: clock.now });
  const user = await startUserSubgraph(userTestConfig(namespace, auth, options.user), {
    now: clock.now,
  });
  return {
    namespace,
    clock,
    auth,
    user,
    async close() {
      await user.close();
      await auth.close();
    },
  };
}

export const authPayloadFields =
  'accessToken refreshToken accessTokenExpiresAt refreshTokenExpiresAt deviceToken user { id }';

export interface AuthPayloadAnswer {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly accessTokenExpiresAt: string;
  readonly refreshTokenExpiresAt: string;
  readonly deviceToken: string | null;
  readonly user: { readonly id: string };
}

let accounts = 0;

/** Signs up a fresh account and returns its payload and credentials. */
export async function signUp(
  authUrl: string,
  overrides: {
    readonly email?: string;
    readonly password?: string;
    readonly displayName?: string;
  } = {},
): Promise<AuthPayloadAnswer & { readonly email: string; readonly password: string }> {
  accounts += 1;
  const email = overrides.email ?? `person${accounts}-${Date.now()}@example.com`;
  const password = overrides.password ?? 'correct horse battery';
  const answer = await postGraphQL(
    authUrl,
    `mutation ($input: SignUpInput!) { signUp(input: $input) { ${authPayloadFields} } }`,
    { input: { email, password, displayName: overrides.displayName ?? 'Test Person' } },
  );
  const payload = answer.data?.signUp as AuthPayloadAnswer | undefined;
  if (payload === undefined) throw new Error(`signUp failed: ${JSON.stringify(answer.errors)}`);
  return { ...payload, email, password };
}
