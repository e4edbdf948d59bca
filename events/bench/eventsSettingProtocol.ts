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

/**
 * What one end of the channel has heard and not yet taken, in arrival order; the parent keeps
 * one of replies, the worker one of requests. `next` waits for a message and answers
 * `undefined` once the channel ended quietly, or throws the error it ended with.
 */
export class ChannelMessages<Message> {
  private readonly queued: Message[] = [];
  private wake: (() => void) | undefined;
  private ended: { readonly error: Error | undefined } | undefined;

  push(message: Message): void {
    this.queued.push(message);
    this.wake?.();
  }

  /** The first ending counts: an exit after a failure does not hide the failure. */
  end(error?: Error): void {
    this.ended ??= { error };
    this.wake?.();
  }

  async next(): Promise<Message | undefined> {
    for (;;) {
      const message = this.queued.shift();
      if (message !== undefined) return message;
      if (this.ended !== undefined) {
        if (this.ended.error !== undefined) throw this.ended.error;
        return undefined;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}
