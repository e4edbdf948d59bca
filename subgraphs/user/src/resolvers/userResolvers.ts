import {
  CodedError,
  requireViewer,
  type SubgraphContext,
  type SubgraphResolvers,
} from '@cashtrack/platform';
import type { UpdateProfileInput } from '../domain/profile.ts';
import type { ProfileService } from '../profileService.ts';

interface UpdateProfileArgs {
  readonly input: UpdateProfileInput;
}

const notFound = (): CodedError => new CodedError('NOT_FOUND', 'No such user');

export function userResolvers(profiles: ProfileService): SubgraphResolvers {
  return {
    Query: {
      me: (_: unknown, _args: unknown, context: SubgraphContext) =>
        profiles.ownProfile(requireViewer(context).userId),
    },
    Mutation: {
      updateProfile: (_: unknown, { input }: UpdateProfileArgs, context: SubgraphContext) =>
        profiles.updateProfile(requireViewer(context).userId, input, context.correlationId),
    },
    User: {
      /**
       * Entity fetches from the gateway (`AuthPayload.user`, `Expense.user`...) carry the caller's
       * token like any request; a reference to someone else's id is NOT_FOUND.
       */
      __resolveReference: async (reference: { readonly id: string }, context: SubgraphContext) => {
        const viewer = requireViewer(context);
        if (reference.id !== viewer.userId) throw notFound();
        const profile = await profiles.ownProfile(viewer.userId);
        if (profile === null) throw notFound();
        return profile;
      },
    },
  };
}
