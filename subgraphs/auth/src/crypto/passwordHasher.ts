import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt parameters; stored with each hash so raising the cost later keeps old hashes valid. */
export interface PasswordHashCost {
  /** log2 of N, the CPU and memory cost. */
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/** A stored password: never the password, only scrypt's output and what produced it. */
export interface PasswordHash {
  readonly algorithm: 'scrypt';
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  /** Per-user random salt, base64. */
  readonly salt: string;
  /** base64 of the derived key. */
  readonly hash: string;
}

const keyLength = 64;
const saltLength = 16;

function derive(password: string, salt: Buffer, cost: PasswordHashCost): Promise<Buffer> {
  const N = 2 ** cost.log2N;
  const options: ScryptOptions = {
    N,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly N = 2^15, r = 8,
    // so the cap is raised to what the parameters need, with room to spare.
    maxmem: 256 * N * cost.r,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

export interface PasswordHasher {
  hash(password: string): Promise<PasswordHash>;
  /** Equal-time comparison; `stored` undefined (unknown email) still costs one full hash. */
  verify(password: string, stored: PasswordHash | undefined): Promise<boolean>;
}

/**
 * scrypt from node:crypto (runs on libuv's thread pool, so the event loop stays free). For an
 * unknown email `verify` hashes against a dummy made at startup with the same cost, so "no such
 * user" and "wrong password" take the same time and give the same answer.
 */
export async function createPasswordHasher(cost: PasswordHashCost): Promise<PasswordHasher> {
  const hash = async (password: string): Promise<PasswordHash> => {
    const salt = randomBytes(saltLength);
    const key = await derive(password, salt, cost);
    return {
      algorithm: 'scrypt',
      ...cost,
      salt: salt.toString('base64'),
      hash: key.toString('base64'),
    };
  };
  const dummy = await hash(randomBytes(24).toString('base64'));
  return {
    hash,
    async verify(password, stored) {
      const target = stored ?? dummy;
      const expected = Buffer.from(target.hash, 'base64');
      const actual = await derive(password, Buffer.from(target.salt, 'base64'), target);
      const equal = actual.length === expected.length && timingSafeEqual(actual, expected);
      return equal && stored !== undefined;
    },
  };
}
