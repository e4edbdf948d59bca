import { z } from 'zod';

/** What bench:observability asks of an eventsSettingWorker.ts child. */
export const workerRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pass'), consumer: z.enum(['runner', 'bare']), run: z.string() }),
  z.object({ kind: z.literal('stop') }),
]);
export type WorkerRequest = z.infer<typeof workerRequest>;

/**
 * What the worker answers. A worker given no topic produces one and says `produced` (its topic
 * prefix, its rate), then only waits to be stopped (it deletes its topics then); one given a
 * prefix warms up over its topic, says `ready`, then answers one `pass` per pass asked for.
 */
export const workerReply = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('produced'), topicPrefix: z.string(), producedPerSec: z.number() }),
  z.object({ kind: z.literal('ready') }),
  z.object({
    kind: z.literal('pass'),
    perSec: z.number(),
    cpuMicros: z.number(),
    /** Young-generation collections during the pass, per thousand events. */
    scavengesPerThousand: z.number(),
  }),
]);
export type WorkerReply = z.infer<typeof workerReply>;
