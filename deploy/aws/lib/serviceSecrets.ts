import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acceptNagFinding } from './nagSuppressions.ts';
import type { SecretName } from './processes.ts';
import type { DeploymentProfile } from './profiles.ts';

/** The name a person gives a secret the stack cannot make, e.g. `cashtrack/small/mongo-url`. */
export function personSecretName(profile: DeploymentProfile, name: 'mongo-url' | 'openai-api-key') {
  return `cashtrack/${profile.name}/${name}`;
}

/**
 * Every secret the processes read, all in Secrets Manager and handed to the containers by ECS at
 * start (never in a task definition's plain environment). The subgraph signing secret is made
 * here; the MongoDB connection string (Atlas) and the model API key come from outside, so a
 * person stores them under fixed names before the first deploy (README, "Deploying to AWS").
 */
export class ServiceSecrets extends Construct {
  private readonly byName: Readonly<Record<SecretName, secretsmanager.ISecret>>;

  constructor(scope: Construct, id: string, profile: DeploymentProfile) {
    super(scope, id);
    const subgraphSharedSecret = new secretsmanager.Secret(this, 'SubgraphSharedSecret', {
      description: 'SUBGRAPH_SHARED_SECRET: the gateway signs every subgraph request with it',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acceptNagFinding(
      subgraphSharedSecret,
      'SMG4',
      'the gateway and every subgraph read it at start, so a rotation must restart them together; rotate by a new value and `aws ecs update-service --force-new-deployment` (README)',
    );
    this.byName = {
      subgraphSharedSecret,
      mongoUrl: secretsmanager.Secret.fromSecretNameV2(
        this,
        'MongoUrl',
        personSecretName(profile, 'mongo-url'),
      ),
      openAiApiKey: secretsmanager.Secret.fromSecretNameV2(
        this,
        'OpenAiApiKey',
        personSecretName(profile, 'openai-api-key'),
      ),
    };
  }

  named(name: SecretName): secretsmanager.ISecret {
    return this.byName[name];
  }

  /** A container's `secrets`: each variable read from the secret it names, when ECS starts it. */
  forContainer(variables: Readonly<Record<string, SecretName>>): Record<string, ecs.Secret> {
    return Object.fromEntries(
      Object.entries(variables).map(([variable, name]) => [
        variable,
        ecs.Secret.fromSecretsManager(this.named(name)),
      ]),
    );
  }
}
