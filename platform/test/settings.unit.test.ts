import { describe, expect, it } from '@jest/globals';
import {
  accessTokenVerifierSettings,
  kafkaSettings,
  listenSettings,
  readSettings,
  text,
  wholeNumber,
} from '@cashtrack/platform';

/** How a service's declared settings become its configuration. */

const settings = {
  ...listenSettings('SAMPLE', 4010),
  ...kafkaSettings,
  ...accessTokenVerifierSettings,
  group: { variable: 'SAMPLE_GROUP', parse: text, fallback: 'samples', doc: 'a group' },
  waitMs: { variable: 'SAMPLE_WAIT_MS', parse: wholeNumber, fallback: 2_000, doc: 'a wait' },
};

describe('reading declared settings', () => {
  it('takes the defaults when nothing is set, and a blank variable as unset', () => {
    expect(readSettings(settings, { SAMPLE_GROUP: '  ' })).toEqual({
      port: 4010,
      host: '127.0.0.1',
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPrefix: '',
      issuer: 'cashtrack-auth',
      audience: 'cashtrack-api',
      jwksUrl: 'http://127.0.0.1:4001/.well-known/jwks.json',
      jwksMinRefetchMs: 5_000,
      group: 'samples',
      waitMs: 2_000,
    });
  });

  it('parses what is set: trimmed text, whole numbers, comma lists without blanks', () => {
    const config = readSettings(settings, {
      SAMPLE_PORT: '0',
      SAMPLE_HOST: ' 0.0.0.0 ',
      KAFKA_BROKERS: 'a:9092, b:9092,,',
      SAMPLE_WAIT_MS: '250',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      kafkaBrokers: ['a:9092', 'b:9092'],
      waitMs: 250,
    });
  });

  it("follows auth's port for the JWKS unless AUTH_JWKS_URL is set", () => {
    expect(readSettings(settings, { AUTH_PORT: '5001' }).jwksUrl).toBe(
      'http://127.0.0.1:5001/.well-known/jwks.json',
    );
    expect(
      readSettings(settings, { AUTH_PORT: '5001', AUTH_JWKS_URL: 'http://auth/jwks' }).jwksUrl,
    ).toBe('http://auth/jwks');
  });

  it('refuses a malformed value with one line naming the variable and what it got', () => {
    const read = () => readSettings(settings, { SAMPLE_WAIT_MS: '2s' });
    expect(read).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: 'SAMPLE_WAIT_MS must be a whole number, got "2s"',
      }),
    );
  });
});
