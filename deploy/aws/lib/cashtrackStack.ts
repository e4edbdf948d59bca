import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as applicationautoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { imageAssetExcludes } from './dockerBuildContext.ts';
import { KafkaCluster } from './kafkaCluster.ts';
import { cashtrackVpc } from './network.ts';
import { processSpecs, serviceNamespace, type ProcessSpec } from './processes.ts';
import { ProcessService } from './processService.ts';
import { CodedError } from '../../../platform/src/errors.ts';
import type { DeploymentProfile, DistributedProfile, SingleHostProfile } from './profiles.ts';
import { SingleHost } from './singleHost.ts';
import { CloudFrontFrontDoor } from './cloudFrontFrontDoor.ts';
import { acceptNagFinding } from './nagSuppressions.ts';
import { ServiceSecrets } from './serviceSecrets.ts';

export const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);

/**
 * Seconds the load balancer keeps a quiet connection. A subscription socket is never quiet for
 * longer than the gateway's ping interval (platform's `defaultKeepAliveMs`, 12 s), so this only
 * has to be comfortably longer; a test holds the two apart.
 */
export const loadBalancerIdleTimeoutSeconds = 120;

export interface CashTrackStackProps extends StackProps {
  readonly profile: DeploymentProfile;
  /**
   * `production`: an ACM certificate for the gateway's domain, HTTPS on 443 and HTTP redirected;
   * without, HTTP only. (`small` serves HTTPS with CloudFront's own certificate.)
   */
  readonly certificateArn?: string;
}

/**
 * The whole system in one stack: network, secrets, the five processes and a front door; `small`
 * on one host behind CloudFront, `production` as Fargate services on MSK behind a load balancer.
 */
export class CashTrackStack extends Stack {
  constructor(scope: Construct, id: string, props: CashTrackStackProps) {
    super(scope, id, props);
    const { profile } = props;
    const vpc = cashtrackVpc(this, profile);
    const secrets = new ServiceSecrets(this, 'Secrets', profile);
    // One image for every process, as in compose; the Dockerfile picks the process by
    // SERVICE_ENTRY. Built for arm64, the architecture of the small host and the Fargate tasks.
    const image = ecs.ContainerImage.fromDockerImageAsset(
      new ecrAssets.DockerImageAsset(this, 'Image', {
        directory: repoRoot,
        platform: ecrAssets.Platform.LINUX_ARM64,
        exclude: imageAssetExcludes(repoRoot),
      }),
    );
    if (profile.shape === 'single-host') {
      this.singleHost(vpc, profile, image, secrets);
    } else {
      this.distributed(vpc, profile, image, secrets, props.certificateArn);
    }
  }

  private singleHost(
    vpc: ec2.Vpc,
    profile: SingleHostProfile,
    image: ecs.ContainerImage,
    secrets: ServiceSecrets,
  ): void {
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.DISABLED,
    });
    acceptNagFinding(
      cluster,
      'ECS4',
      'Container Insights are billed as custom metrics per container; the small profile keeps ECS service metrics and logs only',
    );
    const host = new SingleHost(this, 'Host', { vpc, cluster, image, profile, secrets });
    const frontDoor = new CloudFrontFrontDoor(this, 'FrontDoor', {
      vpc,
      instance: host.instance,
      hostSecurityGroup: host.securityGroup,
      port: host.gatewayPort,
    });
    this.gatewayUrlOutput(frontDoor.url);
  }

  private distributed(
    vpc: ec2.Vpc,
    profile: DistributedProfile,
    image: ecs.ContainerImage,
    secrets: ServiceSecrets,
    certificateArn: string | undefined,
  ): void {
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: profile.containerInsights
        ? ecs.ContainerInsights.ENABLED
        : ecs.ContainerInsights.DISABLED,
      defaultCloudMapNamespace: { name: serviceNamespace, vpc },
    });
    const kafka = new KafkaCluster(this, 'Kafka', { vpc, profile });
    const services = new Map<ProcessSpec['name'], ProcessService>();
    for (const spec of processSpecs(profile)) {
      services.set(
        spec.name,
        new ProcessService(this, serviceId(spec.name), {
          cluster,
          image,
          spec,
          profile,
          kafka,
          secrets,
        }),
      );
    }
    const service = (name: ProcessSpec['name']): ProcessService => {
      const found = services.get(name);
      if (found === undefined) throw new CodedError('UNKNOWN_PROCESS', `no process named ${name}`);
      return found;
    };
    for (const caller of services.values()) {
      for (const called of caller.spec.calls) service(called).allowFrom(caller);
    }
    const gateway = service('gateway');

    const targetGroup = this.loadBalancer(vpc, gateway, certificateArn);
    gateway.scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    gateway.scaling.scaleOnRequestCount('Requests', { requestsPerTarget: 3000, targetGroup });
    for (const consumer of services.values()) {
      const lag = consumer.spec.scalesOnLagOf;
      if (lag === undefined) continue;
      consumer.scaling.scaleOnMetric('ConsumerLag', {
        metric: kafka.consumerLag(lag.group, lag.topic),
        adjustmentType: applicationautoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        scalingSteps: [
          { upper: 10, change: -1 },
          { lower: 100, change: +1 },
          { lower: 1000, change: +2 },
        ],
        cooldown: Duration.minutes(2),
      });
    }
  }

  private gatewayUrlOutput(url: string): void {
    new CfnOutput(this, 'GatewayUrl', {
      description: 'Point the app here (EXPO_PUBLIC_CASHTRACK_URL) and open /graphql',
      value: url,
    });
  }

  private loadBalancer(
    vpc: ec2.Vpc,
    gateway: ProcessService,
    certificateArn: string | undefined,
  ): elbv2.ApplicationTargetGroup {
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: Duration.seconds(loadBalancerIdleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    acceptNagFinding(
      loadBalancer,
      'EC23',
      'the load balancer is the public entry point: anyone may reach its listener, and nothing behind it',
    );
    acceptNagFinding(
      loadBalancer,
      'ELB2',
      'access logs need an S3 bucket in a known region; the gateway logs every request with its correlation id to CloudWatch already',
    );
    const listener =
      certificateArn === undefined
        ? loadBalancer.addListener('Http', { port: 80, open: true })
        : loadBalancer.addListener('Https', {
            port: 443,
            open: true,
            certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn)],
            sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          });
    if (certificateArn !== undefined) loadBalancer.addRedirect();
    const targetGroup = listener.addTargets('Gateway', {
      port: gateway.spec.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [gateway.service],
      healthCheck: { path: '/ready', healthyHttpCodes: '200', interval: Duration.seconds(15) },
      // In-flight requests finish and sockets move to another task before a task is stopped.
      deregistrationDelay: Duration.seconds(30),
    });
    const scheme = certificateArn === undefined ? 'http' : 'https';
    this.gatewayUrlOutput(`${scheme}://${loadBalancer.loadBalancerDnsName}`);
    return targetGroup;
  }
}

/** `parser-worker` → `ParserWorker`: construct ids read as the process names. */
export function serviceId(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
