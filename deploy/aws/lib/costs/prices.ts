/**
 * The unit prices behind the README's monthly cost table: AWS's on-demand list prices in
 * us-east-1, before free tiers and taxes. No page could be opened live from where this was
 * written, so each price says where its figure was read and when (`seen`); `page` is AWS's own
 * pricing page to check it against. The figures are as of those dates.
 */
export interface UnitPrice {
  readonly usd: number;
  /** The unit the price is for, e.g. `hour`, `GB-month`. */
  readonly per: string;
  /** AWS's (or MongoDB's) pricing page for this price. */
  readonly page: string;
  /** Where the figure was read, and its date where the copy gives one. */
  readonly seen: string;
}

const ec2Page = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const notReadHere =
  "not read from a page here: AWS's list price as the author knew it (2025); check it";

export const prices = {
  t4gSmallHour: {
    usd: 0.0168,
    per: 'instance-hour (t4g.small, Linux)',
    page: ec2Page,
    seen: notReadHere,
  },
  t4gMediumHour: {
    usd: 0.0336,
    per: 'instance-hour (t4g.medium, Linux)',
    page: ec2Page,
    seen: notReadHere,
  },
  t4gLargeHour: {
    usd: 0.0672,
    per: 'instance-hour (t4g.large, Linux)',
    page: ec2Page,
    seen: notReadHere,
  },
  t4gNanoHour: {
    usd: 0.0042,
    per: 'instance-hour (t4g.nano, Linux)',
    page: ec2Page,
    seen: "egresscost.com's NAT comparison, March 2026 ($3.07 a month)",
  },
  ebsGp3GbMonth: {
    usd: 0.08,
    per: 'GB-month of gp3 (3,000 IOPS and 125 MB/s included)',
    page: 'https://aws.amazon.com/ebs/pricing/',
    seen: notReadHere,
  },
  publicIpv4Hour: {
    usd: 0.005,
    per: 'public IPv4 address-hour',
    page: 'https://aws.amazon.com/vpc/pricing/',
    seen: "cloudburn.io's NAT gateway guide, 2026-02-24",
  },
  natGatewayHour: {
    usd: 0.045,
    per: 'NAT gateway-hour',
    page: 'https://aws.amazon.com/vpc/pricing/',
    seen: "cloudburn.io's NAT gateway guide, 2026-02-24",
  },
  natGatewayGb: {
    usd: 0.045,
    per: 'GB through a NAT gateway',
    page: 'https://aws.amazon.com/vpc/pricing/',
    seen: "cloudburn.io's NAT gateway guide, 2026-02-24",
  },
  albHour: {
    usd: 0.0225,
    per: 'Application Load Balancer-hour',
    page: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    seen: 'cloud-horizons.com, "ALB: the line item nobody watches", 2026-05-08',
  },
  albLcuHour: {
    usd: 0.008,
    per: 'LCU-hour',
    page: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
    seen: 'cloud-horizons.com, as above, 2026-05-08',
  },
  fargateArmVcpuHour: {
    usd: 0.03238,
    per: 'vCPU-hour (Fargate, Linux/ARM)',
    page: 'https://aws.amazon.com/fargate/pricing/',
    seen: 'Vantage, "AWS Fargate Pricing Explained" (undated; its x86 rate matches Wring\'s of 2026-03-10)',
  },
  fargateArmGbHour: {
    usd: 0.00356,
    per: 'GB-hour (Fargate, Linux/ARM)',
    page: 'https://aws.amazon.com/fargate/pricing/',
    seen: 'Vantage, as above',
  },
  cloudFrontTenThousandRequests: {
    usd: 0.01,
    per: '10,000 HTTPS requests (United States, Mexico, Canada)',
    page: 'https://aws.amazon.com/cloudfront/pricing/',
    seen: notReadHere,
  },
  cloudFrontGbOut: {
    usd: 0.085,
    per: 'GB out to the internet (first 10 TB, United States, Mexico, Canada)',
    page: 'https://aws.amazon.com/cloudfront/pricing/',
    seen: "a stored copy of AWS's CloudFront pricing page (undated)",
  },
  secretMonth: {
    usd: 0.4,
    per: 'secret-month',
    page: 'https://aws.amazon.com/secrets-manager/pricing/',
    seen: "hivebook.wiki's Secrets Manager page (undated)",
  },
  logsIngestedGb: {
    usd: 0.5,
    per: 'GB of logs ingested (standard class)',
    page: 'https://aws.amazon.com/cloudwatch/pricing/',
    seen: 'c3x.dev on CloudWatch Logs, June 2026',
  },
  logsStoredGbMonth: {
    usd: 0.03,
    per: 'GB-month of logs stored',
    page: 'https://aws.amazon.com/cloudwatch/pricing/',
    seen: 'c3x.dev, as above, June 2026',
  },
  ecrStoredGbMonth: {
    usd: 0.1,
    per: 'GB-month of images in ECR',
    page: 'https://aws.amazon.com/ecr/pricing/',
    seen: notReadHere,
  },
  xraySpansIngestedGb: {
    usd: 0.5,
    per: "GB of spans ingested through X-Ray's OTLP endpoint (Transaction Search, CloudWatch pricing)",
    page: 'https://aws.amazon.com/cloudwatch/pricing/',
    seen: notReadHere,
  },
  xrayTracesScannedMillion: {
    usd: 0.5,
    per: 'million traces retrieved or scanned',
    page: 'https://aws.amazon.com/xray/pricing/',
    seen: "a stored copy of AWS's X-Ray pricing page, German edition (undated): $0.50 a million, the first million a month free",
  },
  route53ZoneMonth: {
    usd: 0.5,
    per: 'hosted zone-month (Cloud Map makes a private one)',
    page: 'https://aws.amazon.com/route53/pricing/',
    seen: notReadHere,
  },
  atlasM10Month: {
    usd: 60,
    per: 'month of an Atlas M10 cluster (from)',
    page: 'https://www.mongodb.com/pricing',
    seen: 'MongoDB\'s Atlas documentation, "Understand Your MongoDB Invoice" (undated copy)',
  },
} as const satisfies Record<string, UnitPrice>;

export type PriceName = keyof typeof prices;

/** Hours in a month, as AWS's calculator counts them. */
export const hoursPerMonth = 730;
