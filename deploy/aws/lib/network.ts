import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acceptNagFinding } from './nagSuppressions.ts';
import type { DeploymentProfile } from './profiles.ts';

/**
 * Two availability zones: public subnets hold only the load balancer (production) and the NAT;
 * every process runs in the private subnets and reaches the internet (the model API, AWS APIs,
 * production's Atlas) through the NAT. A NAT instance in `small` costs a tenth of a NAT gateway.
 */
export function cashtrackVpc(scope: Construct, profile: DeploymentProfile): ec2.Vpc {
  const natInstance =
    profile.nat === 'instance'
      ? ec2.NatProvider.instanceV2({
          instanceType: new ec2.InstanceType('t4g.nano'),
          defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
        })
      : undefined;
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: profile.nat === 'instance' ? 1 : 2,
    natGatewayProvider: natInstance ?? ec2.NatProvider.gateway(),
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'services', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
  });
  // The instance forwards only what the VPC sends it; nothing from the internet reaches it.
  natInstance?.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.allTraffic());
  if (natInstance !== undefined) {
    // A fixed address, so that an allow-list of it (a model API's, say) survives a replaced
    // instance. (An instance needs a public address anyway; the fixed one costs the same.)
    const addresses = natInstance.gatewayInstances.map(
      (instance, index) =>
        new ec2.CfnEIP(scope, `NatAddress${index + 1}`, {
          domain: 'vpc',
          instanceId: instance.instanceId,
        }).ref,
    );
    new CfnOutput(scope, 'NatPublicIps', {
      description: "The system's outbound address, for allow-lists such as a model API's",
      value: addresses.join(','),
    });
    const why =
      'the NAT instance holds no data (its root volume is the stock AMI), is replaced by a deploy, and a $3 instance with $2 of detailed metrics would not be small';
    acceptNagFinding(vpc, 'EC26', `EBS encryption: ${why}`);
    acceptNagFinding(vpc, 'EC28', `detailed monitoring: ${why}`);
    acceptNagFinding(vpc, 'EC29', `termination protection: ${why}`);
    acceptNagFinding(
      vpc,
      'EC23',
      "the NAT instance's only ingress is the VPC's own CIDR, which the rule cannot read before deploy (a token)",
    );
  }
  // Image layers come from S3: a gateway endpoint is free and keeps them off the NAT.
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  // Rejected connections only: what a security group refused is what an investigation needs, and
  // logging all traffic would cost more than the small profile's compute.
  vpc.addFlowLog('RejectedTraffic', {
    trafficType: ec2.FlowLogTrafficType.REJECT,
    destination: ec2.FlowLogDestination.toCloudWatchLogs(
      new logs.LogGroup(scope, 'RejectedTrafficLogs', {
        retention: profile.logRetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    ),
  });
  return vpc;
}
