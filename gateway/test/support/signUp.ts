import { gatewayClient, gql } from './apolloClient.ts';

export interface GatewaySession {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly user: { readonly id: string };
}

const signUpMutation = gql`
  mutation ($input: SignUpInput!) {
    signUp(input: $input) {
      accessToken
      refreshToken
      user {
        id
      }
    }
  }
`;

let people = 0;

/** Signs a new person up through the gateway; `label` names them in emails and display names. */
export async function signUpThroughGateway(
  graphqlUrl: string,
  label: string,
): Promise<GatewaySession & { readonly email: string; readonly password: string }> {
  people += 1;
  const email = `${label}${people}@example.com`;
  const password = `${label}-pass-word`;
  const answer = await gatewayClient(graphqlUrl).mutate<{ signUp: GatewaySession }>(
    signUpMutation,
    { input: { email, password, displayName: `${label} ${people}` } },
  );
  const session = answer.data?.signUp;
  if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(answer.errors)}`);
  return { ...session, email, password };
}

const logInMutation = gql`
  mutation ($input: LogInInput!) {
    logIn(input: $input) {
      accessToken
      refreshToken
      user {
        id
      }
    }
  }
`;

/** Logs an existing person in through the gateway: a second session, as on another device. */
export async function logInThroughGateway(
  graphqlUrl: string,
  person: { readonly email: string; readonly password: string },
): Promise<GatewaySession> {
  const answer = await gatewayClient(graphqlUrl).mutate<{ logIn: GatewaySession }>(logInMutation, {
    input: { email: person.email, password: person.password },
  });
  const session = answer.data?.logIn;
  if (session === undefined) throw new Error(`log-in failed: ${JSON.stringify(answer.errors)}`);
  return session;
}
