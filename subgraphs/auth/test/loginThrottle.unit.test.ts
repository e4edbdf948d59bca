import { describe, expect, it } from '@jest/globals';
import {
  combineVerdicts,
  throttleVerdict,
  windowAfterFailure,
  type FailureWindow,
  type ThrottlePolicy,
} from '../src/domain/loginThrottle.ts';

const policy: ThrottlePolicy = { maxFailures: 3, windowMs: 60_000 };
const t0 = new Date('2026-11-24T10:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);

function failures(count: number, startedAt = t0): FailureWindow {
  return { startedAt, failures: count };
}

describe('log-in throttling', () => {
  it('given no failures, when asked, then the attempt is allowed', () => {
    expect(throttleVerdict(null, t0, policy)).toEqual({ allowed: true });
  });

  it('given fewer failures than the limit in the window, then the attempt is allowed', () => {
    expect(throttleVerdict(failures(2), at(1_000), policy)).toEqual({ allowed: true });
  });

  it('given the limit reached in the window, then the attempt is refused until the window ends', () => {
    expect(throttleVerdict(failures(3), at(15_200), policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 45,
    });
  });

  it('given the limit reached in a window that has ended, then the attempt is allowed', () => {
    expect(throttleVerdict(failures(3), at(60_000), policy)).toEqual({ allowed: true });
  });

  it('given an open window, when a failure happens, then it is counted in that window', () => {
    expect(windowAfterFailure(failures(1), at(59_999), policy)).toEqual(failures(2));
  });

  it('given an ended window or none, when a failure happens, then a new window starts with it', () => {
    expect(windowAfterFailure(failures(3), at(60_000), policy)).toEqual(failures(1, at(60_000)));
    expect(windowAfterFailure(null, at(5), policy)).toEqual(failures(1, at(5)));
  });

  it('never asks to wait less than a second', () => {
    expect(throttleVerdict(failures(3), at(59_999), policy)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
  });

  it('combines per-email and per-address verdicts into the longest wait', () => {
    expect(
      combineVerdicts([
        { allowed: false, retryAfterSeconds: 10 },
        { allowed: true },
        { allowed: false, retryAfterSeconds: 30 },
      ]),
    ).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(combineVerdicts([{ allowed: true }, { allowed: true }])).toEqual({ allowed: true });
  });
});
