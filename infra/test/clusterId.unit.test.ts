import { describe, expect, it } from '@jest/globals';
import { newClusterId } from '../src/kafkaServer.ts';

describe('a new KRaft cluster id', () => {
  it('is 16 bytes of URL-safe base64 that the storage tool cannot take for an option', () => {
    // One random id in 64 starts with '-'; ten thousand draws would all but surely meet one.
    const ids = Array.from({ length: 10_000 }, newClusterId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
