import { describe, expect, it } from '@jest/globals';
import { readDecimal, toMinorUnits } from '../src/rules/decimal.ts';

describe('reading numerals', () => {
  it.each<[string, number, bigint, number]>([
    ['50', 2, 50n, 0],
    ['12,90', 2, 1290n, 2],
    ['73.2', 2, 732n, 1],
    ['1,200', 2, 1200n, 0],
    ['1,200.50', 2, 120050n, 2],
    ['1.200,50', 2, 120050n, 2],
    ['1.200.000', 2, 1200000n, 0],
    ['1.500', 0, 1500n, 0],
    ['1.500', 2, 1500n, 0],
    ['1.234', 3, 1234n, 3],
    ['0.500', 2, 500n, 3],
    ['0,5', 2, 5n, 1],
  ])('%s with %i currency decimals', (literal, digits, mantissa, scale) => {
    expect(readDecimal(literal, digits)).toEqual({ mantissa, scale });
  });

  it.each(['1,2,3', '12,34,567', '1.2,3.4', 'abc', ''])('refuses %s', (literal) => {
    expect(readDecimal(literal, 2)).toBeUndefined();
  });
});

describe('minor units', () => {
  it('multiplies factor and quantity exactly', () => {
    expect(toMinorUnits({ literal: '3.5', factor: 1000 }, 'USD')).toBe(350_000);
    expect(toMinorUnits({ literal: '4.50', factor: 1 }, 'USD', 3)).toBe(1350);
    expect(toMinorUnits({ literal: '0.1', factor: 1 }, 'USD', 3)).toBe(30);
  });

  it('shares a bill rounding half up to the nearest minor unit', () => {
    expect(toMinorUnits({ literal: '100', factor: 1 }, 'USD', 1, 3)).toBe(3333);
    expect(toMinorUnits({ literal: '50', factor: 1 }, 'USD', 1, 3)).toBe(1667);
    expect(toMinorUnits({ literal: '0.05', factor: 1 }, 'USD', 1, 2)).toBe(3);
    expect(toMinorUnits({ literal: '1000', factor: 1 }, 'JPY', 1, 3)).toBe(333);
  });

  it.each<[string, string, number, string]>([
    ['10.5', 'JPY', 1, 'TOO_MANY_DECIMALS'],
    ['1.0001', 'USD', 1, 'TOO_MANY_DECIMALS'],
    ['0', 'USD', 1, 'AMOUNT_OUT_OF_RANGE'],
    ['0.01', 'USD', 3, 'AMOUNT_OUT_OF_RANGE'],
    ['1000000000.01', 'USD', 1, 'AMOUNT_OUT_OF_RANGE'],
    ['99999999999999999999999', 'USD', 1, 'AMOUNT_OUT_OF_RANGE'],
    ['1,2,3', 'USD', 1, 'INVALID_AMOUNT'],
  ])('refuses %s %s shared %i ways with %s', (literal, currency, ways, code) => {
    expect(() => toMinorUnits({ literal, factor: 1 }, currency, 1, ways)).toThrow(
      expect.objectContaining({ code }),
    );
  });
});
