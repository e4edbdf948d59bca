import { App, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { CashTrackStack } from './cashtrackStack.ts';
import { profileNamed } from './profiles.ts';

// cdk-nag is CommonJS built by jsii, whose exports Node cannot name from an ES module.
const { AwsSolutionsChecks } = cdkNag;

/**
 * The CDK app: one stack for the profile `--context profile=<name>` names (default `small`),
 * checked by cdk-nag's AwsSolutions rules. No context lookups: the stack is environment-agnostic
 * unless `account` and `region` are given, so synth needs no AWS account and no network.
 */
export function cashtrackApp(context: Readonly<Record<string, string>> = {}): {
  app: App;
  stack: CashTrackStack;
} {
  // A unique name for the launch template CDK makes to require IMDSv2 on the small host, which
  // would otherwise be the same in every stack of an account and region.
  const app = new App({
    context: { '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true, ...context },
  });
  const contextString = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const profile = profileNamed(contextString('profile') ?? 'small');
  const account = contextString('account');
  const region = contextString('region');
  const stack = new CashTrackStack(app, `CashTrack-${profile.name}`, {
    profile,
    certificateArn: contextString('certificateArn'),
    env: account !== undefined || region !== undefined ? { account, region } : undefined,
    description: `CashTrack, ${profile.name} profile (deploy/aws)`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
