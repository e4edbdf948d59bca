import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { awaitProjection, type ProjectionWakeUps } from '../src/commands/awaitProjection.ts';

/**
 * The clock is Jest's: a timer fires only when the test moves it on, so a read that happens
 * without moving it was made by a notice, not by the fallback poll.
 */
describe('awaitProjection', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** The wake-ups of one user, fired by the test; counts who listens. */
  function notices(): { wakeUps: ProjectionWakeUps; notify(): void; listening(): number } {
    const listeners = new Set<() => void>();
    return {
      wakeUps: (wake) => {
        listeners.add(wake);
        return () => listeners.delete(wake);
      },
      notify: () => listeners.forEach((wake) => wake()),
      listening: () => listeners.size,
    };
  }

  /** A read model that shows the event from the `appliedAtRead`th read on. */
  function readModel(appliedAtRead: number) {
    let reads = 0;
    return {
      probe: () => {
        reads += 1;
        return Promise.resolve(reads >= appliedAtRead ? 'applied' : undefined);
      },
      reads: () => reads,
    };
  }

  it('reads the read model again when a notice comes, without waiting for the fallback poll', async () => {
    const ear = notices();
    const model = readModel(2);
    const waiting = awaitProjection(model.probe, 10_000, ear.wakeUps);
    await jest.advanceTimersByTimeAsync(0);
    expect(model.reads()).toBe(1);
    ear.notify();
    await expect(waiting).resolves.toBe('applied');
    expect(model.reads()).toBe(2);
    expect(ear.listening()).toBe(0);
  });

  it('reads again at once when a notice came while a read was in flight', async () => {
    const ear = notices();
    let reads = 0;
    const probe = (): Promise<string | undefined> => {
      reads += 1;
      if (reads === 1) ear.notify();
      return Promise.resolve(reads >= 2 ? 'applied' : undefined);
    };
    await expect(awaitProjection(probe, 10_000, ear.wakeUps)).resolves.toBe('applied');
    expect(reads).toBe(2);
  });

  it('ends the wait by polling when no notice comes (a lost one only delays the answer)', async () => {
    const ear = notices();
    const model = readModel(4);
    const waiting = awaitProjection(model.probe, 10_000, ear.wakeUps);
    await jest.advanceTimersByTimeAsync(5_000);
    await expect(waiting).resolves.toBe('applied');
    expect(model.reads()).toBe(4);
    expect(ear.listening()).toBe(0);
  });

  it('gives up once its time has run out, and stops listening', async () => {
    const ear = notices();
    const model = readModel(Number.POSITIVE_INFINITY);
    const waiting = awaitProjection(model.probe, 1_000, ear.wakeUps);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toBeUndefined();
    expect(ear.listening()).toBe(0);
  });

  it('ends the wait at once when a read throws (CONFLICT), and stops listening', async () => {
    const ear = notices();
    const conflict = new Error('CONFLICT');
    await expect(awaitProjection(() => Promise.reject(conflict), 10_000, ear.wakeUps)).rejects.toBe(
      conflict,
    );
    expect(ear.listening()).toBe(0);
  });
});
