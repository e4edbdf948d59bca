import { describe, expect, it } from '@jest/globals';
import { CodedError, waitFor } from '@cashtrack/platform';

describe('waitFor', () => {
  it('resolves with the first value the probe returns', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? `after ${calls}` : undefined), {
      intervalMs: 1,
    });
    expect(value).toBe('after 3');
  });

  it('times out with WAIT_TIMEOUT naming what it waited for and the last error', async () => {
    const failure = waitFor(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the broker' },
    );
    await expect(failure).rejects.toBeInstanceOf(CodedError);
    await expect(failure).rejects.toMatchObject({
      code: 'WAIT_TIMEOUT',
      message: expect.stringMatching(/the broker.*connection refused/),
    });
  });
});
