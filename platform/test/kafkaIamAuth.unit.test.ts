import { afterEach, describe, expect, it } from '@jest/globals';
import type { OauthbearerProviderResponse, SASLOptions } from 'kafkajs';
import { kafkaAuthenticationFromEnv } from '../src/kafka/kafkaIamAuth.ts';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

async function tokenOf(sasl: SASLOptions | undefined): Promise<OauthbearerProviderResponse> {
  if (sasl?.mechanism !== 'oauthbearer')
    throw new Error(`expected oauthbearer, got ${sasl?.mechanism}`);
  return sasl.oauthBearerProvider();
}

describe('Kafka authentication from the environment', () => {
  it('is nothing at all unless KAFKA_SASL_MECHANISM asks for it (local broker, compose)', () => {
    delete process.env.KAFKA_SASL_MECHANISM;
    expect(kafkaAuthenticationFromEnv()).toEqual({});
    process.env.KAFKA_SASL_MECHANISM = 'none';
    expect(kafkaAuthenticationFromEnv()).toEqual({});
  });

  it('refuses a mechanism it does not know, and MSK IAM without a region', () => {
    process.env.KAFKA_SASL_MECHANISM = 'scram-sha-512';
    expect(() => kafkaAuthenticationFromEnv()).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    process.env.KAFKA_SASL_MECHANISM = 'aws-msk-iam';
    delete process.env.AWS_REGION;
    expect(() => kafkaAuthenticationFromEnv()).toThrow(/AWS_REGION/);
  });

  it('signs a kafka-cluster:Connect request for the region with the credentials it finds, offline', async () => {
    // Static credentials in the environment: the first link of AWS's default chain, so signing
    // happens here without any call to AWS.
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEONLY00000';
    process.env.AWS_SECRET_ACCESS_KEY = 'example-secret-for-a-unit-test-only';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    process.env.KAFKA_SASL_MECHANISM = 'aws-msk-iam';
    process.env.AWS_REGION = 'eu-central-1';

    const authentication = kafkaAuthenticationFromEnv();
    expect(authentication.ssl).toBe(true);
    const { value } = await tokenOf(authentication.sasl);
    const signed = new URL(Buffer.from(value, 'base64url').toString('utf8'));
    expect(signed.host).toBe('kafka.eu-central-1.amazonaws.com');
    expect(signed.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(signed.searchParams.get('X-Amz-Credential')).toMatch(
      /^AKIAEXAMPLEONLY00000\/\d{8}\/eu-central-1\/kafka-cluster\/aws4_request$/,
    );
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
