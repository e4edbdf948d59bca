/** One allowed flow of a security group, as the synthesised template states it. */
export interface FlowRule {
  /** The other side: a security group's logical id, or a CIDR block. */
  readonly peer: string;
  readonly fromPort: number | undefined;
  readonly toPort: number | undefined;
}

type Resources = Readonly<Record<string, { Type: string; Properties?: Record<string, unknown> }>>;
type RawRule = Readonly<Record<string, unknown>>;

function logicalIdIn(reference: unknown): string | undefined {
  if (typeof reference !== 'object' || reference === null) return undefined;
  const getAtt = (reference as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}

function toFlow(rule: RawRule, peerKeys: readonly string[]): FlowRule {
  const cidr = [rule.CidrIp, rule.CidrIpv6].find((value) => typeof value === 'string');
  const peer =
    peerKeys.map((key) => logicalIdIn(rule[key])).find((id) => id !== undefined) ??
    (typeof cidr === 'string' ? cidr : 'an address range the template computes');
  return {
    peer,
    fromPort: typeof rule.FromPort === 'number' ? rule.FromPort : undefined,
    toPort: typeof rule.ToPort === 'number' ? rule.ToPort : undefined,
  };
}

/**
 * Every rule of `direction` on the security group `groupId`: those written inside the group and
 * those CDK writes as separate resources (rules between two groups of the stack).
 */
export function flowRules(
  resources: Resources,
  groupId: string,
  direction: 'ingress' | 'egress',
): FlowRule[] {
  const inlineKey = direction === 'ingress' ? 'SecurityGroupIngress' : 'SecurityGroupEgress';
  const separateType =
    direction === 'ingress' ? 'AWS::EC2::SecurityGroupIngress' : 'AWS::EC2::SecurityGroupEgress';
  const peerKeys =
    direction === 'ingress' ? ['SourceSecurityGroupId'] : ['DestinationSecurityGroupId'];
  const inline = (resources[groupId]?.Properties?.[inlineKey] ?? []) as RawRule[];
  const separate = Object.values(resources)
    .filter(
      (resource) =>
        resource.Type === separateType && logicalIdIn(resource.Properties?.GroupId) === groupId,
    )
    .map((resource) => resource.Properties ?? {});
  return [...inline, ...separate].map((rule) => toFlow(rule, peerKeys));
}
