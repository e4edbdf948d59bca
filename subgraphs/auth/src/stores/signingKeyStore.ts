import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomUUID,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { Collection, Db } from 'mongodb';
import { accessTokenAlgorithm, CodedError } from '@cashtrack/platform';

/** A signing key as kept in `authServiceDB.signingKeys`. */
interface SigningKeyDocument {
  /** The `kid`. */
  readonly _id: string;
  readonly algorithm: typeof accessTokenAlgorithm;
  /** PKCS#8 PEM. Readable by whoever can read authServiceDB: guard the database accordingly. */
  readonly privateKeyPem: string;
  readonly createdAt: Date;
  /** When a newer key took over signing; null while this one signs. */
  readonly retiredAt: Date | null;
}

/** One entry of the JWKS document. */
export interface PublicJwk {
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
  readonly kty: string;
  readonly n?: string;
  readonly e?: string;
}

interface LoadedKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly createdAt: Date;
  readonly retiredAt: Date | null;
}

export interface SigningKeyStoreOptions {
  /** A key older than this is replaced by a new one. */
  readonly rotateAfterMs: number;
  /**
   * How long a retired key stays published: at least the access-token lifetime plus clock
   * leeway, so every token it signed verifies until it expires.
   */
  readonly publishRetiredForMs: number;
  readonly now: () => Date;
}

export interface SigningKeyStore {
  /**
   * Loads the keys; makes the first key on first start, and a new one when the signing key is
   * older than `rotateAfterMs`. Safe to run in every replica at once.
   */
  refresh(): Promise<void>;
  /** Makes a new key the signing key now; the old one stays published. */
  rotate(): Promise<string>;
  signingKey(): { readonly kid: string; readonly privateKey: KeyObject };
  /** The public key for `kid`, reloading once from the database when it is not known here. */
  publicKeyFor(kid: string): Promise<KeyObject>;
  /** The JWKS document: the signing key and retired keys whose tokens may still be valid. */
  jwks(): { readonly keys: readonly PublicJwk[] };
}

const generateRsaKeyPair = promisify(generateKeyPair);

export function createSigningKeyStore(db: Db, options: SigningKeyStoreOptions): SigningKeyStore {
  const collection: Collection<SigningKeyDocument> = db.collection('signingKeys');
  let keys: LoadedKey[] = [];
  let lastLoadAt = 0;

  async function load(): Promise<void> {
    lastLoadAt = Date.now();
    const documents = await collection.find({}).toArray();
    keys = documents
      .map((document) => {
        const privateKey = createPrivateKey(document.privateKeyPem);
        return {
          kid: document._id,
          privateKey,
          publicKey: createPublicKey(privateKey),
          createdAt: document.createdAt,
          retiredAt: document.retiredAt,
        };
      })
      // Newest first; if two replicas made a first key at once, both are active and the newer signs.
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.kid.localeCompare(a.kid));
  }

  const active = (): LoadedKey | undefined => keys.find((key) => key.retiredAt === null);

  async function rotate(): Promise<string> {
    const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const createdAt = options.now();
    await collection.insertOne({
      _id: kid,
      algorithm: accessTokenAlgorithm,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      createdAt,
      retiredAt: null,
    });
    // Retire only older keys: two replicas rotating at once leave the newer key signing rather
    // than retiring each other's.
    await collection.updateMany(
      { retiredAt: null, createdAt: { $lt: createdAt } },
      { $set: { retiredAt: createdAt } },
    );
    await load();
    return kid;
  }

  return {
    async refresh() {
      await load();
      const current = active();
      if (
        current === undefined ||
        options.now().getTime() - current.createdAt.getTime() >= options.rotateAfterMs
      ) {
        await rotate();
      }
    },
    rotate,
    signingKey() {
      const current = active();
      if (current === undefined) throw new CodedError('NO_SIGNING_KEY', 'No signing key loaded');
      return { kid: current.kid, privateKey: current.privateKey };
    },
    async publicKeyFor(kid) {
      let key = keys.find((candidate) => candidate.kid === kid);
      // A kid we do not know may be a key another replica just made; but tokens with made-up
      // kids must not turn into a database query each, so reload at most once a second.
      if (key === undefined && Date.now() - lastLoadAt >= 1_000) {
        await load();
        key = keys.find((candidate) => candidate.kid === kid);
      }
      if (key === undefined) throw new CodedError('UNKNOWN_KEY', `No signing key ${kid}`);
      return key.publicKey;
    },
    jwks() {
      const now = options.now().getTime();
      const published = keys.filter(
        (key) =>
          key.retiredAt === null || now - key.retiredAt.getTime() < options.publishRetiredForMs,
      );
      return {
        keys: published.map((key) => {
          const jwk = key.publicKey.export({ format: 'jwk' });
          return {
            kty: jwk.kty ?? 'RSA',
            n: jwk.n,
            e: jwk.e,
            kid: key.kid,
            alg: accessTokenAlgorithm,
            use: 'sig',
          };
        }),
      };
    },
  };
}
