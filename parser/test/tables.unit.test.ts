import { describe, expect, it } from '@jest/globals';
import { isCategory, isCurrency } from '@cashtrack/events';
import { stem } from '../src/rules/stem.ts';
import { categoryKeywords } from '../src/rules/tables/categoryKeywords.ts';
import {
  currencySymbols,
  currencyWords,
  lowerCaseCodes,
} from '../src/rules/tables/currencyTokens.ts';

/** The tables are data people edit: these checks catch a typo before it becomes a wrong answer. */

describe('parser tables', () => {
  it('name only real, spendable ISO-4217 currencies', () => {
    const codes = [...Object.values(currencySymbols), ...Object.values(currencyWords)].flatMap(
      (token) => token.codes,
    );
    expect(codes.filter((code) => !isCurrency(code))).toEqual([]);
    expect([...lowerCaseCodes].filter((code) => !isCurrency(code.toUpperCase()))).toEqual([]);
  });

  it('name only known categories', () => {
    expect(categoryKeywords.filter((group) => !isCategory(group.category))).toEqual([]);
  });

  it('never give one phrase two categories', () => {
    const seen = new Map<string, string>();
    const conflicts: string[] = [];
    for (const group of categoryKeywords) {
      for (const phrase of group.phrases) {
        const key = phrase.split(/\s+/).map(stem).join(' ');
        const earlier = seen.get(key);
        if (earlier !== undefined && earlier !== group.category) {
          conflicts.push(`${phrase}: ${earlier} and ${group.category}`);
        }
        seen.set(key, group.category);
      }
    }
    expect(conflicts).toEqual([]);
  });
});
