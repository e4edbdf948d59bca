import type { GatewayClient } from './gatewayClient.ts';

/** A signed-in chaos user: the tokens change as the session is refreshed. */
export interface ChaosUser {
  readonly index: number;
  readonly userId: string;
  readonly email: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms. */
  accessTokenExpiresAt: number;
}

const authFields = `accessToken refreshToken accessTokenExpiresAt user { id }`;

interface AuthPayload {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly accessTokenExpiresAt: string;
  readonly user: { readonly id: string };
}

/** Signs one user up; retried for a bounded time, because the system may still be warming up. */
export async function signUpUser(
  client: GatewayClient,
  index: number,
  runLabel: string,
  deadline: number,
): Promise<ChaosUser> {
  const email = `chaos-${runLabel}-${index}@example.com`;
  for (;;) {
    const answer = await client.request<{ signUp: AuthPayload }>(
      `mutation ($input: SignUpInput!) { signUp(input: $input) { ${authFields} } }`,
      { input: { email, password: 'chaos-password-1', displayName: `Chaos ${index}` } },
    );
    if (answer.ok) {
      const payload = answer.data.signUp;
      return {
        index,
        userId: payload.user.id,
        email,
        accessToken: payload.accessToken,
        refreshToken: payload.refreshToken,
        accessTokenExpiresAt: Date.parse(payload.accessTokenExpiresAt),
      };
    }
    if (Date.now() > deadline)
      throw new Error(`signing up ${email} failed: ${answer.code} ${answer.message}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Tokens are renewed this long before they expire, as the app does. */
const refreshMarginMs = 60_000;

/**
 * Renews the user's access token when it is about to expire (or `force`). A failed refresh
 * keeps the old tokens: auth is not among the processes the chaos run kills, so it is retried
 * before the next write.
 */
export async function refreshIfDue(
  client: GatewayClient,
  user: ChaosUser,
  now: number,
  force = false,
): Promise<boolean> {
  if (!force && user.accessTokenExpiresAt - now > refreshMarginMs) return false;
  const answer = await client.request<{ refreshSession: AuthPayload }>(
    `mutation ($token: String!) { refreshSession(refreshToken: $token) { ${authFields} } }`,
    { token: user.refreshToken },
  );
  if (!answer.ok) return false;
  user.accessToken = answer.data.refreshSession.accessToken;
  user.refreshToken = answer.data.refreshSession.refreshToken;
  user.accessTokenExpiresAt = Date.parse(answer.data.refreshSession.accessTokenExpiresAt);
  return true;
}
