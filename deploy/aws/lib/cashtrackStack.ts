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
import { processSpecs, serviceNamespace, subgraphNames, type ProcessSpec } from './processes.ts';
import { ProcessService } from './processService.ts';
import { CodedError } from '../../../platform/src/errors.ts';
import type { DeploymentProfile } from './profiles.ts';
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
  /** An ACM certificate for the gateway's domain: HTTPS on 443, HTTP redirected. Without: HTTP only. */
  readonly certificateArn?: string;
}

/** The whole system in one stack: network, Kafka, secrets, the five processes, the load balancer. */
export class CashTrackStack extends Stack {
  constructor(scope: Construct, id: string, props: CashTrackStackProps) {
    super(scope, id, props);
    const { profile } = props;
    const vpc = cashtrackVpc(this, profile);
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: profile.containerInsights
        ? ecs.ContainerInsights.ENABLED
        : ecs.ContainerInsights.DISABLED,
      defaultCloudMapNamespace: { name: serviceNamespace, vpc },
    });
    if (!profile.containerInsights) {
      acceptNagFinding(
        cluster,
        'ECS4',
        'Container Insights are billed as custom metrics per task; the small profile keeps ECS service metrics and logs only',
      );
    }
    const kafka = new KafkaCluster(this, 'Kafka', { vpc, profile });
    const secrets = new ServiceSecrets(this, 'Secrets', profile);
    // One image for every process, as in compose; the Dockerfile picks the process by SERVICE_ENTRY.
    const image = ecs.ContainerImage.fromDockerImageAsset(
      new ecrAssets.DockerImageAsset(this, 'Image', {
        directory: repoRoot,
        platform: ecrAssets.Platform.LINUX_ARM64,
        exclude: imageAssetExcludes(repoRoot),
      }),
    );

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
    const gateway = service('gateway');
    for (const name of subgraphNames) service(name).allowFrom(gateway);
    // The user and expense subgraphs fetch auth's public keys (JWKS) to verify access tokens.
    service('auth').allowFrom(service('user'));
    service('auth').allowFrom(service('expense'));

    const targetGroup = this.loadBalancer(vpc, gateway, props.certificateArn);
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

  private loadBalancer(
    vpc: ec2.IVpc,
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
    new CfnOutput(this, 'GatewayUrl', {
      description: 'Point the app here (EXPO_PUBLIC_CASHTRACK_URL) and open /graphql',
      value: `${scheme}://${loadBalancer.loadBalancerDnsName}`,
    });
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
