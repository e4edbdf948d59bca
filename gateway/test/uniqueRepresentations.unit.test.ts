import { describe, expect, it } from '@jest/globals';
import { spreadEntities, uniqueRepresentations } from '../src/replicas/uniqueRepresentations.ts';

const ann = { __typename: 'User', id: 'ann' };
const bob = { __typename: 'User', id: 'bob' };

describe('unique entity representations', () => {
  it('leaves representations without repeats alone', () => {
    expect(uniqueRepresentations([ann, bob])).toBeUndefined();
  });

  it('sends each representation once and spreads the entities back in order', () => {
    const unique = uniqueRepresentations([ann, bob, { ...ann }, ann]);
    expect(unique?.representations).toEqual([ann, bob]);
    if (unique === undefined) throw new Error('expected repeats');
    const answer = spreadEntities(
      { data: { _entities: [{ displayName: 'Ann' }, { displayName: 'Bob' }] } },
      unique,
    );
    const entities = answer.data?._entities as unknown[];
    expect(entities).toEqual([
      { displayName: 'Ann' },
      { displayName: 'Bob' },
      { displayName: 'Ann' },
      { displayName: 'Ann' },
    ]);
    // Each place gets its own object: the gateway merges later fetches into them in place.
    expect(entities[2]).not.toBe(entities[0]);
  });

  it('repeats an entity error at every place it applies to', () => {
    const unique = uniqueRepresentations([ann, bob, ann]);
    if (unique === undefined) throw new Error('expected repeats');
    const answer = spreadEntities(
      {
        data: { _entities: [null, { displayName: 'Bob' }] },
        errors: [
          { message: 'No such user', path: ['_entities', 0, 'displayName'] },
          { message: 'elsewhere' },
        ],
      },
      unique,
    );
    expect(answer.errors?.map((error) => error.path)).toEqual([
      ['_entities', 0, 'displayName'],
      ['_entities', 2, 'displayName'],
      undefined,
    ]);
  });

  it('leaves a malformed answer for the gateway to refuse', () => {
    const unique = uniqueRepresentations([ann, ann]);
    if (unique === undefined) throw new Error('expected repeats');
    const malformed = { data: { _entities: [] } };
    expect(spreadEntities(malformed, unique)).toBe(malformed);
  });
});
