import { formatMoney, minorToDecimal, normaliseAmountInput } from './money';

describe('money on screen', () => {
  it('formats integer minor units with Intl.NumberFormat, exactly', () => {
    expect(formatMoney(5000, 'USD')).toBe('$50.00');
    expect(formatMoney(1, 'USD')).toBe('$0.01');
    expect(formatMoney(123456789, 'USD')).toBe('$1,234,567.89');
    expect(formatMoney(1234, 'JPY')).toBe('¥1,234');
    expect(formatMoney(-450, 'EUR')).toBe('-€4.50');
    // 2^53 - 1 minor units: no float rounding anywhere on the way.
    expect(minorToDecimal(9007199254740991, 'USD')).toBe('90071992547409.91');
  });

  it('reads what a person typed as an amount in a currency', () => {
    expect(normaliseAmountInput('12,5', 'USD')).toBe('12.50');
    expect(normaliseAmountInput(' 55 ', 'USD')).toBe('55.00');
    expect(normaliseAmountInput('1.234', 'USD')).toBeUndefined();
    expect(normaliseAmountInput('12.5', 'JPY')).toBeUndefined();
    expect(normaliseAmountInput('abc', 'USD')).toBeUndefined();
  });
});
