import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * Accepts one cdk-nag AwsSolutions finding on `scope` and everything under it, saying why. Every
 * acceptance in the app goes through here, next to the resource it is about.
 */
export function acceptNagFinding(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Accepts the IAM5 finding for one wildcard `resource` (an ARN pattern, tokens allowed) in the
 * policies under `scope`. cdk-nag names such a finding by the resource as it flattens it, so the
 * name is computed the same way rather than copied from its output.
 */
export function acceptWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
  acceptNagFinding(scope, `IAM5[Resource::${flattened}]`, reason);
}

/**
 * Accepts the managed policy of the Lambda function behind CDK's `AwsCustomResource` (one per
 * stack), wherever the stack uses one.
 */
export function acceptCustomResourceFunction(scope: IConstruct): void {
  acceptNagFinding(
    Stack.of(scope),
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "CDK's AwsCustomResource function, which makes one AWS call per deploy, writes its own logs with this policy and nothing else",
  );
}
