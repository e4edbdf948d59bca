import type { VerifiedAccessToken } from '@cashtrack/platform';
import type { SignUpInput } from '../domain/credentialRules.ts';
import { logIn, type LogInDependencies, type LogInInput } from './logIn.ts';
import { logOut, type LogOutDependencies } from './logOut.ts';
import { logOutEverywhere, type LogOutEverywhereDependencies } from './logOutEverywhere.ts';
import { refreshSession, type RefreshSessionDependencies } from './refreshSession.ts';
import type { AuthSession, RequestOrigin } from './session.ts';
import { signUp, type SignUpDependencies } from './signUp.ts';

/** Everything auth's commands use, given once at start-up. */
export type AuthCommandDependencies = SignUpDependencies &
  LogInDependencies &
  RefreshSessionDependencies &
  LogOutDependencies &
  LogOutEverywhereDependencies;

/** Auth's write side, one command per mutation; each is in the file of its name. */
export interface AuthCommands {
  signUp(input: SignUpInput, origin: RequestOrigin): Promise<AuthSession>;
  logIn(input: LogInInput, origin: RequestOrigin): Promise<AuthSession>;
  refreshSession(refreshToken: string, origin: RequestOrigin): Promise<AuthSession>;
  logOut(
    caller: VerifiedAccessToken,
    refreshToken: string,
    origin: RequestOrigin,
  ): Promise<boolean>;
  logOutEverywhere(caller: VerifiedAccessToken, origin: RequestOrigin): Promise<number>;
}

export function createAuthCommands(deps: AuthCommandDependencies): AuthCommands {
  return {
    signUp: (input, origin) => signUp(deps, input, origin),
    logIn: (input, origin) => logIn(deps, input, origin),
    refreshSession: (refreshToken, origin) => refreshSession(deps, refreshToken, origin),
    logOut: (caller, refreshToken, origin) => logOut(deps, caller, refreshToken, origin),
    logOutEverywhere: (caller, origin) => logOutEverywhere(deps, caller, origin),
  };
}
