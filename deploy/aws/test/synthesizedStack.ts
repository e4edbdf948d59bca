import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { CfnSecurityGroup } from 'aws-cdk-lib/aws-ec2';
import type { IConstruct } from 'constructs';
import { cashtrackApp } from '../lib/app.ts';
import type { ProcessSpec } from '../lib/processes.ts';
import type { ProcessService } from '../lib/processService.ts';
import { serviceId, type CashTrackStack } from '../lib/cashtrackStack.ts';

export interface SynthesizedStack {
  readonly stack: CashTrackStack;
  readonly template: Template;
  readonly assembly: CloudAssembly;
  /** The logical id of a security group by its construct path, e.g. `Host/SecurityGroup`. */
  securityGroupAt(path: string): string;
  /** Distributed: the logical id of a process's security group, e.g. `securityGroupOf('auth')`. */
  securityGroupOf(name: ProcessSpec['name']): string;
}

/**
 * The app for `profile` synthesised as `cdk synth` does, cdk-nag included (an unaccepted finding
 * throws here), with the logical ids the tests need to follow references.
 */
export function synthesize(
  profile: 'small' | 'production',
  context: Readonly<Record<string, string>> = {},
): SynthesizedStack {
  const { app, stack } = cashtrackApp({ ...context, profile });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const logicalIdOf = (path: string): string => {
    const node = path.split('/').reduce<IConstruct>((scope, id) => scope.node.findChild(id), stack);
    return stack.getLogicalId(node.node.defaultChild as CfnSecurityGroup);
  };
  return {
    stack,
    template,
    assembly,
    securityGroupAt: logicalIdOf,
    securityGroupOf: (name) => {
      const service = stack.node.findChild(serviceId(name)) as ProcessService;
      return stack.getLogicalId(service.securityGroup.node.defaultChild as CfnSecurityGroup);
    },
  };
}
