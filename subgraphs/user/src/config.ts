import {
  accessTokenVerifierSettings,
  kafkaSettings,
  listenSettings,
  mongoSettings,
  readSettings,
  text,
  wholeNumber,
  type ConfigOf,
} from '@cashtrack/platform';

export const userSettings = {
  ...listenSettings('USER', 4002),
  ...mongoSettings('USER_DATABASE', 'userServiceDB'),
  ...kafkaSettings,
  ...accessTokenVerifierSettings,
  consumerGroup: {
    variable: 'USER_CONSUMER_GROUP',
    parse: text,
    fallback: 'user-profiles',
    doc: "the profile projector's consumer group (prefixed like the topics)",
  },
  profileWaitMs: {
    variable: 'USER_PROFILE_WAIT_MS',
    parse: wholeNumber,
    fallback: 10_000,
    doc: 'how long `me` and `signUp { user }` wait for a profile still on its way (read-your-writes)',
  },
  updateWaitMs: {
    variable: 'USER_UPDATE_WAIT_MS',
    parse: wholeNumber,
    fallback: 5_000,
    doc: 'how long `updateProfile` waits for its change to be projected',
  },
};

export type UserConfig = ConfigOf<typeof userSettings>;

export function userConfigFromEnv(): UserConfig {
  return readSettings(userSettings);
}
