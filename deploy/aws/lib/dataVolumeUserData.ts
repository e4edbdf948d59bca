import { kafkaImageUserId } from './hostDataServices.ts';

export interface DataVolumeBoot {
  readonly region: string;
  readonly volumeId: string;
  readonly clusterName: string;
}

/** Where the data volume is mounted on the host; each data service has a directory under it. */
export const hostDataRoot = '/data';

/**
 * The host's first-boot script: attach the data volume (waiting while a replaced instance still
 * holds it), format it only if it is blank, mount it, and only then join the ECS cluster, so that
 * no task can start on the root volume's empty directories. The ECS-optimised AMI starts its
 * agent after cloud-init has run this.
 */
export function dataVolumeUserData({ region, volumeId, clusterName }: DataVolumeBoot): string[] {
  return [
    'set -euo pipefail',
    `volume=${volumeId}`,
    "token=$(curl -sf -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')",
    'instance=$(curl -sf -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id)',
    'command -v aws >/dev/null || dnf install -y awscli-2',
    `until aws ec2 attach-volume --region ${region} --volume-id "$volume" --instance-id "$instance" --device /dev/xvdf; do sleep 15; done`,
    // Nitro instances name an EBS volume by its id without the dash.
    'device=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${volume//-/}',
    'until [ -e "$device" ]; do sleep 2; done',
    'blkid "$device" || mkfs.xfs "$device"',
    `mkdir -p ${hostDataRoot}`,
    `echo "$device ${hostDataRoot} xfs defaults,nofail 0 2" >> /etc/fstab`,
    `mount ${hostDataRoot}`,
    `mkdir -p ${hostDataRoot}/kafka ${hostDataRoot}/mongo`,
    `chown ${kafkaImageUserId}:${kafkaImageUserId} ${hostDataRoot}/kafka`,
    // Containers in bridge mode get the task role's credentials (the trace collector signs with
    // them) only when the agent is told to serve them.
    'echo "ECS_ENABLE_TASK_IAM_ROLE=true" >> /etc/ecs/ecs.config',
    `echo "ECS_CLUSTER=${clusterName}" >> /etc/ecs/ecs.config`,
  ];
}
