import { ApiError } from './errors';
import { newClientId, sendUntilAnswered } from './lostAnswers';

function sender(failures: readonly string[]) {
  const calls: number[] = [];
  const send = async (): Promise<string> => {
    calls.push(calls.length);
    const code = failures[calls.length - 1];
    if (code !== undefined) throw new ApiError(code, 'failed');
    return 'answered';
  };
  return { send, calls };
}

describe('sending a create command until it is answered', () => {
  it('sends again after a lost answer, and answers what the retry got', async () => {
    const { send, calls } = sender(['NETWORK', 'SERVICE_UNAVAILABLE']);
    await expect(sendUntilAnswered(send, [0, 0])).resolves.toBe('answered');
    expect(calls).toHaveLength(3);
  });

  it('gives up with the last error once every retry lost its answer', async () => {
    const { send, calls } = sender(['NETWORK', 'NETWORK', 'NETWORK']);
    await expect(sendUntilAnswered(send, [0, 0])).rejects.toMatchObject({ code: 'NETWORK' });
    expect(calls).toHaveLength(3);
  });

  it('never sends again after an answer that refused it', async () => {
    const { send, calls } = sender(['INVALID_AMOUNT']);
    await expect(sendUntilAnswered(send, [0, 0])).rejects.toMatchObject({
      code: 'INVALID_AMOUNT',
    });
    expect(calls).toHaveLength(1);
  });
});

describe('client ids', () => {
  it('are plain, long enough for the server and different each time', () => {
    const ids = Array.from({ length: 1_000 }, newClientId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
