import { describe, expect, it } from '@jest/globals';
import { ReplicaPool } from '../src/replicas/replicaPool.ts';

describe('the replica pool', () => {
  it('hands replicas out round-robin', () => {
    const pool = new ReplicaPool(['a', 'b', 'c']);
    expect([
      pool.candidates()[0],
      pool.candidates()[0],
      pool.candidates()[0],
      pool.candidates()[0],
    ]).toEqual(['a', 'b', 'c', 'a']);
  });

  it('puts a failed replica last until its cooldown is over', () => {
    let now = 0;
    const pool = new ReplicaPool(['a', 'b'], 5_000, () => now);
    pool.failed('a');
    expect(pool.candidates()).toEqual(['b', 'a']);
    expect(pool.candidates()).toEqual(['b', 'a']);
    now = 5_001;
    expect(pool.candidates()).toEqual(['a', 'b']);
  });

  it('takes a replica back as soon as it answers', () => {
    const pool = new ReplicaPool(['a', 'b'], 60_000, () => 0);
    pool.failed('a');
    pool.succeeded('a');
    expect(pool.candidates()).toEqual(['a', 'b']);
  });
});
