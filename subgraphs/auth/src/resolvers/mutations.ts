import { issuedAccessTokenExtension } from '@cashtrack/platform';
import {
  requireViewer,
  type SubgraphContext,
  type SubgraphResolvers,
} from '@cashtrack/platform/graphql';
import type { AuthCommands } from '../commands/authCommands.ts';
import type { AuthSession } from '../commands/session.ts';
import { authPayload } from './authPayload.ts';

interface SignUpArgs {
  readonly input: {
    readonly email: string;
    readonly password: string;
    readonly displayName: string;
  };
}
interface LogInArgs {
  readonly input: {
    readonly email: string;
    readonly password: string;
    readonly deviceToken?: string | null;
  };
}
interface RefreshTokenArgs {
  readonly refreshToken: string;
}

function answer(context: SubgraphContext, session: AuthSession): ReturnType<typeof authPayload> {
  context.responseExtensions[issuedAccessTokenExtension] = session.accessToken;
  return authPayload(session);
}

export function mutationResolvers(auth: AuthCommands): SubgraphResolvers {
  return {
    Mutation: {
      signUp: async (_: unknown, { input }: SignUpArgs, context: SubgraphContext) =>
        answer(context, await auth.signUp(input, context)),
      logIn: async (_: unknown, { input }: LogInArgs, context: SubgraphContext) =>
        answer(context, await auth.logIn(input, context)),
      refreshSession: async (
        _: unknown,
        { refreshToken }: RefreshTokenArgs,
        context: SubgraphContext,
      ) => answer(context, await auth.refreshSession(refreshToken, context)),
      logOut: (_: unknown, { refreshToken }: RefreshTokenArgs, context: SubgraphContext) =>
        auth.logOut(requireViewer(context), refreshToken, context),
      logOutEverywhere: (_: unknown, _args: unknown, context: SubgraphContext) =>
        auth.logOutEverywhere(requireViewer(context), context),
    },
  };
}
