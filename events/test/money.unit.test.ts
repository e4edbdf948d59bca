import { describe, expect, it } from '@jest/globals';
import { currencyDigits, formatMinor, isCurrency, parseAmountToMinor } from '../src/money.ts';

describe('money', () => {
  it.each([
    ['50', 'USD', 5000],
    ['50.5', 'USD', 5050],
    ['0.01', 'USD', 1],
    ['1500', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['1000000000', 'USD', 100_000_000_000],
  ])('reads %s %s as %i minor units', (amount, currency, minor) => {
    expect(parseAmountToMinor(amount, currency)).toBe(minor);
  });

  it.each([
    ['-5', 'USD', 'INVALID_AMOUNT'],
    ['1e3', 'USD', 'INVALID_AMOUNT'],
    ['12,50', 'USD', 'INVALID_AMOUNT'],
    ['', 'USD', 'INVALID_AMOUNT'],
    ['1.001', 'USD', 'TOO_MANY_DECIMALS'],
    ['10.5', 'JPY', 'TOO_MANY_DECIMALS'],
    ['0', 'USD', 'AMOUNT_OUT_OF_RANGE'],
    ['0.00', 'USD', 'AMOUNT_OUT_OF_RANGE'],
    ['1000000000.01', 'USD', 'AMOUNT_OUT_OF_RANGE'],
    ['5', 'ABC', 'INVALID_CURRENCY'],
    ['5', 'XAU', 'INVALID_CURRENCY'],
  ])('refuses %s %s with %s', (amount, currency, code) => {
    expect(() => parseAmountToMinor(amount, currency)).toThrow(expect.objectContaining({ code }));
  });

  it('formats minor units with the currency decimals', () => {
    expect(formatMinor(5000, 'USD')).toBe('50.00');
    expect(formatMinor(7, 'EUR')).toBe('0.07');
    expect(formatMinor(1500, 'JPY')).toBe('1500');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
  });

  it('knows ISO-4217 codes and their decimals', () => {
    expect(isCurrency('EUR')).toBe(true);
    expect(isCurrency('eur')).toBe(false);
    expect(currencyDigits('HUF')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
  });
});
