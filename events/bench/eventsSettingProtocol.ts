import { z } from 'zod';

/** What bench:observability asks of an eventsSettingWorker.ts child. */
export const workerRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pass'), consumer: z.enum(['runner', 'bare']), run: z.string() }),
  z.object({ kind: z.literal('stop') }),
]);
export type WorkerRequest = z.infer<typeof workerRequest>;

/** What the worker answers: `ready` once, then one `pass` per pass asked for. */
export const workerReply = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), producedPerSec: z.number() }),
  z.object({ kind: z.literal('pass'), perSec: z.number(), cpuMicros: z.number() }),
]);
export type WorkerReply = z.infer<typeof workerReply>;
