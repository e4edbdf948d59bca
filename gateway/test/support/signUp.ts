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
): Promise<GatewaySession> {
  people += 1;
  const answer = await gatewayClient(graphqlUrl).mutate<{ signUp: GatewaySession }>(
    signUpMutation,
    {
      input: {
        email: `${label}${people}@example.com`,
        password: `${label}-pass-word`,
        displayName: `${label} ${people}`,
      },
    },
  );
  const session = answer.data?.signUp;
  if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(answer.errors)}`);
  return session;
}
