import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { acceptNagFinding } from './nagSuppressions.ts';

/**
 * Seconds CloudFront waits for the next bytes from the origin, which is also how long it keeps a
 * quiet WebSocket. The gateway pings every 12 s (platform's `defaultKeepAliveMs`); a test holds
 * the two apart. 60 s is within CloudFront's default quota (120 s).
 */
export const frontDoorReadTimeoutSeconds = 60;

/**
 * The small profile's front door: a CloudFront distribution whose one origin is the host in its
 * private subnet (a VPC origin, no public address), HTTPS with CloudFront's own certificate,
 * nothing cached, every method, header and WebSocket passed through. It has no hourly price: a
 * load balancer's hours and addresses alone would be half of the small profile's budget.
 */
export class CloudFrontFrontDoor extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** Where people reach the gateway. */
  readonly url: string;

  constructor(
    scope: Construct,
    id: string,
    props: {
      vpc: ec2.IVpc;
      instance: ec2.Instance;
      hostSecurityGroup: ec2.SecurityGroup;
      port: number;
    },
  ) {
    super(scope, id);
    // A VPC origin reaches the host from network interfaces CloudFront places in the host's
    // subnet, so from inside the VPC, not from CloudFront's public ranges. The only other thing
    // in the VPC is the NAT instance, which admits nothing from the internet.
    props.hostSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcp(props.port),
      'CloudFront (its VPC origin interfaces) to the gateway',
    );
    acceptNagFinding(
      props.hostSecurityGroup,
      'EC23',
      "the host's one ingress is the VPC's own CIDR (CloudFront's VPC origin), which the rule cannot read before deploy (a token)",
    );

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'CashTrack gateway',
      defaultBehavior: {
        origin: origins.VpcOrigin.withEc2Instance(props.instance, {
          httpPort: props.port,
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
          readTimeout: Duration.seconds(frontDoorReadTimeoutSeconds),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER,
      },
      // North America and Europe only: the cheapest class; others reach the nearest of those.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    acceptNagFinding(
      this.distribution,
      'CFR1',
      'CashTrack serves its users wherever they are; no country is refused',
    );
    acceptNagFinding(
      this.distribution,
      'CFR2',
      'AWS WAF costs $5 a month per web ACL plus $1 per rule, a tenth of the small budget; the gateway limits query depth, size and log-in attempts itself',
    );
    acceptNagFinding(
      this.distribution,
      'CFR3',
      'access logs need an S3 bucket; the gateway logs every request with its correlation id to CloudWatch already',
    );
    acceptNagFinding(
      this.distribution,
      'CFR4',
      "the distribution uses CloudFront's own *.cloudfront.net certificate, whose minimum TLS version CloudFront sets; a domain of your own with an ACM certificate lifts it",
    );
    acceptNagFinding(
      this.distribution,
      'CFR5',
      'the origin is the host in a private subnet, reached inside the VPC (a VPC origin): HTTP there never crosses the internet',
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
