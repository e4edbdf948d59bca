import { CodedError } from '@cashtrack/platform';
import {
  requireViewer,
  type SubgraphContext,
  type SubgraphResolvers,
} from '@cashtrack/platform/graphql';
import type { UpdateProfileInput } from '../domain/profile.ts';
import { updateProfile, type UpdateProfileDependencies } from '../commands/updateProfile.ts';
import { ownProfile } from '../readModels/userProfilesReadModel.ts';

interface UpdateProfileArgs {
  readonly input: UpdateProfileInput;
}

const notFound = (): CodedError => new CodedError('NOT_FOUND', 'No such user');

/**
 * The caller's own profile has not been projected yet. It will be: their token was issued only
 * after sign-up's event was stored. Saying NOT_FOUND would tell a person who just signed up that
 * they do not exist; this says to ask again.
 */
const profilePending = (): CodedError =>
  new CodedError('PROFILE_PENDING', 'Your profile is still being set up; ask again in a moment', {
    retryAfterSeconds: 1,
  });

/** `me` and references read with the command's `profiles` and `profileWaitMs`. */
export function userResolvers(deps: UpdateProfileDependencies): SubgraphResolvers {
  return {
    Query: {
      me: (_: unknown, _args: unknown, context: SubgraphContext) =>
        ownProfile(deps.profiles, requireViewer(context).userId, deps.profileWaitMs),
    },
    Mutation: {
      updateProfile: (_: unknown, { input }: UpdateProfileArgs, context: SubgraphContext) =>
        updateProfile(deps, requireViewer(context).userId, input, context.correlationId),
    },
    User: {
      /**
       * Entity fetches from the gateway (`AuthPayload.user`, `Expense.user`...) carry the caller's
       * token like any request; a reference to someone else's id is NOT_FOUND, and the caller's
       * own profile still on its way after the wait is PROFILE_PENDING.
       */
      __resolveReference: async (reference: { readonly id: string }, context: SubgraphContext) => {
        const viewer = requireViewer(context);
        if (reference.id !== viewer.userId) throw notFound();
        const profile = await ownProfile(deps.profiles, viewer.userId, deps.profileWaitMs);
        if (profile === null) throw profilePending();
        return profile;
      },
    },
  };
}
