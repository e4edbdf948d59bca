import type { SASLOptions } from 'kafkajs';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { envString } from '../env.ts';
import { CodedError } from '../errors.ts';

/** What kafkajs needs to authenticate: TLS and a SASL mechanism, or nothing (a plain broker). */
export interface KafkaAuthentication {
  readonly ssl?: boolean;
  readonly sasl?: SASLOptions;
}

/**
 * `KAFKA_SASL_MECHANISM`: unset or `none` (the local broker and compose), or `aws-msk-iam` (Amazon
 * MSK with IAM access control, on its TLS port 9098; the task's IAM role is the identity and
 * `AWS_REGION` the region it signs for). Anything else is a startup error.
 */
export function kafkaAuthenticationFromEnv(): KafkaAuthentication {
  const mechanism = envString('KAFKA_SASL_MECHANISM', 'none');
  if (mechanism === 'none') return {};
  if (mechanism === 'aws-msk-iam') return mskIamAuthentication(envString('AWS_REGION', ''));
  throw new CodedError(
    'INVALID_CONFIG',
    `KAFKA_SASL_MECHANISM must be none or aws-msk-iam, got "${mechanism}"`,
  );
}

/**
 * SASL OAUTHBEARER with a token AWS's signer makes from the default credential chain (a SigV4
 * presigned `kafka-cluster:Connect` request, valid 15 minutes). kafkajs asks for a token at each
 * connection, and MSK closes a connection whose token expired, so every reconnect signs anew.
 */
export function mskIamAuthentication(region: string): KafkaAuthentication {
  if (region === '') {
    throw new CodedError('INVALID_CONFIG', 'KAFKA_SASL_MECHANISM=aws-msk-iam needs AWS_REGION');
  }
  return {
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: (await generateAuthToken({ region })).token }),
    },
  };
}
