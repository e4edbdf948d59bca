import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { categories } from '../src/categories.ts';

/**
 * The app keeps its own copy of the category list (app/src/shell/categories.ts says why). The
 * app's module is CommonJS to this ES-module project, so its source is read as text: the one
 * array literal it declares, in order.
 */
async function appCategories(): Promise<string[]> {
  const source = await readFile(
    new URL('../../app/src/shell/categories.ts', import.meta.url),
    'utf8',
  );
  const list = /export const categories = \[([^\]]*)\] as const;/.exec(source)?.[1];
  if (list === undefined) throw new Error('app/src/shell/categories.ts declares no category list');
  return [...list.matchAll(/'([^']+)'/g)].map((match) => match[1] ?? '');
}

describe("the app's categories", () => {
  it('are exactly the ones the API accepts, in the same order', async () => {
    expect(await appCategories()).toEqual([...categories]);
  });
});
