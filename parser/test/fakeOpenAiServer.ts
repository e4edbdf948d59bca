import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible server for tests: answers `POST /v1/chat/completions` in OpenAI's
 * response shape, with `usage`, from a reply the test sets per call. The real `openai` client
 * talks to it through `baseURL`; no hosted model is ever called.
 */

/** What the next completion says. `delayMs` holds the answer back (to test timeouts). */
export interface FakeReply {
  readonly content?: string | null;
  readonly refusal?: string | null;
  readonly finishReason?: 'stop' | 'length' | 'content_filter';
  readonly totalTokens?: number;
  readonly status?: number;
  readonly delayMs?: number;
}

export interface FakeOpenAiServer {
  /** Pass as the client's `baseURL`: `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** Request bodies received, in order. */
  readonly requests: Record<string, unknown>[];
  /** Replies to use, in order; the last one repeats. */
  reply(...replies: FakeReply[]): void;
  /** Answers each request from its body instead (a scripted "model" for evaluations). */
  answerWith(answer: (body: Record<string, unknown>) => FakeReply): void;
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

export function expensesAnswer(
  expenses: readonly {
    amount: string;
    currency: string;
    category: string;
    description: string;
    occurredOn: string;
  }[],
): string {
  return JSON.stringify({ expenses });
}

export async function startFakeOpenAiServer(): Promise<FakeOpenAiServer> {
  const requests: Record<string, unknown>[] = [];
  let replies: FakeReply[] = [{ content: expensesAnswer([]) }];
  let answerer: ((body: Record<string, unknown>) => FakeReply) | undefined;
  let served = 0;
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404).end();
        return;
      }
      const body = await readJson(request);
      requests.push(body);
      const reply = answerer?.(body) ?? replies[Math.min(served, replies.length - 1)] ?? {};
      served += 1;
      const send = (): void => {
        if (response.destroyed) return;
        if (reply.status !== undefined && reply.status !== 200) {
          response.writeHead(reply.status, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ error: { message: 'fake failure', type: 'server_error' } }),
          );
          return;
        }
        const total = reply.totalTokens ?? 120;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: `chatcmpl-${served}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: typeof body.model === 'string' ? body.model : 'fake',
            choices: [
              {
                index: 0,
                message: {
                  role: 'assistant',
                  content: reply.content ?? null,
                  refusal: reply.refusal ?? null,
                },
                logprobs: null,
                finish_reason: reply.finishReason ?? 'stop',
              },
            ],
            usage: {
              prompt_tokens: Math.floor(total * 0.8),
              completion_tokens: total - Math.floor(total * 0.8),
              total_tokens: total,
            },
          }),
        );
      };
      if (reply.delayMs === undefined) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.delayMs);
      timers.add(timer);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(...next) {
      replies = next;
      answerer = undefined;
      served = 0;
    },
    answerWith(answer) {
      answerer = answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
