import { Template } from 'aws-cdk-lib/assertions';
import type { CfnSecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { cashtrackApp } from '../lib/app.ts';
import type { ProcessSpec } from '../lib/processes.ts';
import type { ProcessService } from '../lib/processService.ts';
import type { CashTrackStack } from '../lib/cashtrackStack.ts';

export interface SynthesizedStack {
  readonly stack: CashTrackStack;
  readonly template: Template;
  /** The logical id of a process's security group, e.g. `securityGroupOf('auth')`. */
  securityGroupOf(name: ProcessSpec['name']): string;
  readonly loadBalancerSecurityGroup: string;
  readonly kafkaSecurityGroup: string;
}

const processIds: Readonly<Record<ProcessSpec['name'], string>> = {
  gateway: 'Gateway',
  auth: 'Auth',
  user: 'User',
  expense: 'Expense',
  'parser-worker': 'ParserWorker',
};

/**
 * The app for `profile` synthesised as `cdk synth` does, cdk-nag included (an unaccepted finding
 * throws here), with the logical ids the tests need to follow references.
 */
export function synthesize(profile: 'small' | 'production'): SynthesizedStack {
  const { app, stack } = cashtrackApp({ profile });
  app.synth();
  const template = Template.fromStack(stack);
  const logicalIdOf = (path: string): string => {
    const securityGroup = stack.node.findChild(path.split('/')[0] ?? '');
    const node = path
      .split('/')
      .slice(1)
      .reduce((scope, id) => scope.node.findChild(id), securityGroup);
    return stack.getLogicalId(node.node.defaultChild as CfnSecurityGroup);
  };
  return {
    stack,
    template,
    securityGroupOf: (name) => {
      const service = stack.node.findChild(processIds[name]) as ProcessService;
      return stack.getLogicalId(service.securityGroup.node.defaultChild as CfnSecurityGroup);
    },
    loadBalancerSecurityGroup: logicalIdOf('LoadBalancer/SecurityGroup'),
    kafkaSecurityGroup: logicalIdOf('Kafka/SecurityGroup'),
  };
}
