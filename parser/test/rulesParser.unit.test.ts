import { describe, expect, it } from '@jest/globals';
import { parseWithRules, rulesExtractor } from '../src/rules/rulesExtractor.ts';
import { request } from './requests.ts';

/** Focused cases for each feature of the rules parser; now is Tuesday 2026-11-24 10:00 UTC. */

type Expected = [amountMinor: number, currency: string, category: string, occurredOn?: string];

function parsed(text: string, overrides: Parameters<typeof request>[1] = {}) {
  return parseWithRules(request(text, overrides));
}

function brief(text: string, overrides: Parameters<typeof request>[1] = {}): Expected[] {
  return parsed(text, overrides).expenses.map((e) => [
    e.amountMinor,
    e.currency,
    e.category,
    e.occurredOn,
  ]);
}

const today = '2026-11-24';

describe('rules parser: amounts and currencies', () => {
  it.each<[string, Expected]>([
    ['coffee $4.50', [450, 'USD', 'dining', today]],
    ['lunch 12€', [1200, 'EUR', 'dining', today]],
    ['£5 coffee', [500, 'GBP', 'dining', today]],
    ['¥1500 ramen', [1500, 'JPY', 'dining', today]],
    ['C$20 hockey tickets', [2000, 'CAD', 'entertainment', today]],
    ['Uber 12 usd', [1200, 'USD', 'transport', today]],
    ['EUR 45 sweater', [4500, 'EUR', 'shopping', today]],
    ['spent 20 bucks on pizza', [2000, 'USD', 'dining', today]],
    ['hotel 200 euros', [20000, 'EUR', 'travel', today]],
    ['taxi 30 pounds', [3000, 'GBP', 'transport', today]],
    ['sushi 1800 yen', [1800, 'JPY', 'dining', today]],
  ])('%s', (text, expected) => {
    expect(brief(text)).toEqual([expected]);
  });

  it('reads "$" as the user\'s own dollar currency', () => {
    expect(brief('$20 hockey tickets', { currency: 'CAD' })).toEqual([
      [2000, 'CAD', 'entertainment', today],
    ]);
  });

  it('does not take English words for lower-case currency codes', () => {
    expect(brief('lunch with bob 30')).toEqual([[3000, 'USD', 'dining', today]]);
  });

  it.each<[string, number]>([
    ['lunch €12,90', 1290],
    ['rent 1,200', 120000],
    ['laptop 1,200.50', 120050],
    ['laptop €1.200,50', 120050],
    ['paid 12,500,000 for the house', 1250000000],
    ['groceries 73.2', 7320],
    ['paid 3.5k for the car repair', 350000],
    ['rent 2K', 200000],
    ['rent 2 grand', 200000],
    ['paid 1.5 million for the house', 150000000],
  ])('reads separators and magnitudes in %s', (text, amountMinor) => {
    expect(parsed(text).expenses.map((e) => e.amountMinor)).toEqual([amountMinor]);
  });

  it.each<[string, number]>([
    ['spent fifteen dollars on a sandwich', 1500],
    ['twenty-five dollars for books', 2500],
    ['twenty five bucks on lunch', 2500],
    ['a hundred dollars for groceries', 10000],
    ['a hundred and twenty euros for the hotel', 12000],
    ['two thousand three hundred for rent', 230000],
    ['taxi fifteen', 1500],
    ['spent fifteen and a tip', 1500],
    ['spent a hundred and a coffee', 10000],
  ])('reads numbers in words: %s', (text, amountMinor) => {
    expect(parsed(text).expenses.map((e) => e.amountMinor)).toEqual([amountMinor]);
  });

  it('uses zero-decimal currencies as they are: 1500 yen is 1500 minor units', () => {
    expect(brief('Spent 1500 yen on ramen')).toEqual([[1500, 'JPY', 'dining', today]]);
    expect(brief('ramen 1.500 yen')).toEqual([[1500, 'JPY', 'dining', today]]);
    expect(brief('ramen 1500', { currency: 'JPY' })).toEqual([[1500, 'JPY', 'dining', today]]);
  });

  it('refuses more decimals than the currency has, with a reason', () => {
    const outcome = parsed('candy 10.5 yen');
    expect(outcome.expenses).toEqual([]);
    expect(outcome.reason).toMatch(/JPY amounts have at most 0 decimals/);
  });

  it.each(['taxi 5000000000', 'coffee 0'])('refuses an amount out of range: %s', (text) => {
    const outcome = parsed(text);
    expect(outcome.expenses).toEqual([]);
    expect(outcome.reason).toMatch(/more than 0 and at most 1,000,000,000 USD/);
  });

  it('accepts the largest amount allowed', () => {
    expect(brief('house $1,000,000,000')).toEqual([[100_000_000_000, 'USD', 'other', today]]);
  });
});

describe('rules parser: quantities and shares', () => {
  it.each<[string, number]>([
    ['movie tickets 2 x 12', 2400],
    ['coffee 4.50 x2', 900],
    ['beers 3 × $6', 1800],
    ['3 at 4 each', 1200],
    ['3 coffees at 4 each', 1200],
    ['2 tickets for 15 each', 3000],
    ['2 coffees @ 3.5', 700],
    ['2 tickets 15 each', 3000],
  ])('multiplies %s', (text, amountMinor) => {
    expect(parsed(text).expenses.map((e) => e.amountMinor)).toEqual([amountMinor]);
  });

  it.each<[string, number]>([
    ['dinner 60 split 4 ways', 1500],
    ['dinner $100 split between 3', 3333],
    ['dinner 100 split 3 ways', 3333],
    ['pizza 50 split 3 ways', 1667],
    ['taxi 25 split in half', 1250],
    ['pizza for the team 120 split four ways', 3000],
  ])("takes the user's share of %s, rounded to the nearest minor unit", (text, amountMinor) => {
    expect(parsed(text).expenses.map((e) => e.amountMinor)).toEqual([amountMinor]);
  });

  it('splits zero-decimal currencies to whole units', () => {
    expect(parsed('sushi 1000 yen split 3 ways').expenses.map((e) => e.amountMinor)).toEqual([333]);
  });

  it('does not take a count of things for a price', () => {
    expect(brief('bought 2 tickets for 30')).toEqual([[3000, 'USD', 'entertainment', today]]);
    expect(brief('paid 12 for 2 pizzas')).toEqual([[1200, 'USD', 'dining', today]]);
    expect(brief('one coffee 4')).toEqual([[400, 'USD', 'dining', today]]);
    expect(brief('lunch with 3 friends 45')).toEqual([[4500, 'USD', 'dining', today]]);
  });
});

describe('rules parser: several expenses in one message', () => {
  it.each<[string, Expected[]]>([
    [
      'gas 40 and parking 6',
      [
        [4000, 'USD', 'transport', today],
        [600, 'USD', 'transport', today],
      ],
    ],
    [
      'uber 23.40 yesterday + coffee 4',
      [
        [2340, 'USD', 'transport', '2026-11-23'],
        [400, 'USD', 'dining', today],
      ],
    ],
    [
      'netflix $15.99, spotify $9.99 and rent 1,200',
      [
        [1599, 'USD', 'subscriptions', today],
        [999, 'USD', 'subscriptions', today],
        [120000, 'USD', 'housing', today],
      ],
    ],
    [
      'coffee 4 sandwich 8',
      [
        [400, 'USD', 'dining', today],
        [800, 'USD', 'dining', today],
      ],
    ],
    [
      '$12 lunch $8 taxi',
      [
        [1200, 'USD', 'dining', today],
        [800, 'USD', 'transport', today],
      ],
    ],
    [
      'Lunch: 12.50\nUber: 30',
      [
        [1250, 'USD', 'dining', today],
        [3000, 'USD', 'transport', today],
      ],
    ],
    [
      'phone bill 45 and new phone 800',
      [
        [4500, 'USD', 'utilities', today],
        [80000, 'USD', 'shopping', today],
      ],
    ],
  ])('%s', (text, expected) => {
    expect(brief(text)).toEqual(expected);
  });

  it('gives each expense its own words as description', () => {
    const outcome = parsed('$12 lunch with Anna and Bob and $30 dinner');
    expect(outcome.expenses.map((e) => e.description)).toEqual([
      'lunch with Anna and Bob',
      'dinner',
    ]);
  });

  it('applies a date at either end of the message to every expense', () => {
    expect(brief('gas 40 and parking 6 yesterday').map((e) => e[3])).toEqual([
      '2026-11-23',
      '2026-11-23',
    ]);
    expect(brief('yesterday: gas 40, parking 6').map((e) => e[3])).toEqual([
      '2026-11-23',
      '2026-11-23',
    ]);
    expect(brief('lunch 12 today and dinner 30 on sunday').map((e) => e[3])).toEqual([
      today,
      '2026-11-22',
    ]);
  });

  it('lets an amount without currency follow the one named in the message', () => {
    expect(brief('€12 lunch and 5 coffee').map((e) => e[1])).toEqual(['EUR', 'EUR']);
    expect(brief('€12 lunch and £5 coffee and 3 tip').map((e) => e[1])).toEqual([
      'EUR',
      'GBP',
      'USD',
    ]);
  });
});

describe("rules parser: dates in the user's time zone", () => {
  it.each<[string, string]>([
    ['lunch 12 today', today],
    ['uber 23.40 yesterday', '2026-11-23'],
    ['taxi 12 the day before yesterday', '2026-11-22'],
    ['bought a new jacket for 89.99 on saturday', '2026-11-21'],
    ['jacket 89.99 saturday', '2026-11-21'],
    ['lunch 12 on tuesday', today],
    ['lunch 12 last tuesday', '2026-11-17'],
    ['taxi 12 last friday', '2026-11-20'],
    ['dinner on fri 40', '2026-11-20'],
    ['groceries 73.2 on 11/20', '2026-11-20'],
    ['groceries 40 on 12/24', '2025-12-24'],
    ['groceries 34 on 20/11', '2026-11-20'],
    ['lunch 12 on 2026-11-20', '2026-11-20'],
    ['lunch 12 on 11/20/2025', '2025-11-20'],
    ['lunch 12 on 20.11.2026', '2026-11-20'],
    ['rent $1200 on the 1st', '2026-11-01'],
    ['gym 40 on the 25th', '2026-10-25'],
    ['spent 40 on groceries 3 days ago', '2026-11-21'],
    ['bowling 30 a week ago', '2026-11-17'],
    ['starbucks 6.75 this morning', today],
    ['lunch 14 at 7:30pm', today],
  ])('%s', (text, occurredOn) => {
    expect(parsed(text).expenses.map((e) => e.occurredOn)).toEqual([occurredOn]);
  });

  it('resolves "today" in the user\'s zone, not in UTC', () => {
    const lateInLosAngeles = { now: new Date('2026-11-24T02:00:00Z') };
    expect(
      brief('lunch 14 today', { ...lateInLosAngeles, timezone: 'America/Los_Angeles' }),
    ).toEqual([[1400, 'USD', 'dining', '2026-11-23']]);
    expect(brief('lunch 14 today', { ...lateInLosAngeles, timezone: 'Asia/Tokyo' })).toEqual([
      [1400, 'USD', 'dining', '2026-11-24'],
    ]);
    const earlyInTokyo = { now: new Date('2026-11-23T15:30:00Z'), timezone: 'Asia/Tokyo' };
    expect(brief('coffee 4 yesterday', earlyInTokyo)).toEqual([
      [400, 'USD', 'dining', '2026-11-23'],
    ]);
  });

  it("counts weekdays from the user's day: Monday late evening in Los Angeles is Tuesday in UTC", () => {
    const mondayEvening = {
      now: new Date('2026-11-24T06:00:00Z'),
      timezone: 'America/Los_Angeles',
    };
    expect(brief('lunch 12 on monday', mondayEvening).map((e) => e[3])).toEqual(['2026-11-23']);
    expect(brief('lunch 12 last monday', mondayEvening).map((e) => e[3])).toEqual(['2026-11-16']);
  });

  it('refuses a date past tomorrow', () => {
    const outcome = parsed('concert 2026-12-30 80');
    expect(outcome.expenses).toEqual([]);
    expect(outcome.reason).toMatch(/future/);
  });

  it('does not read an abbreviation such as "sun" as a weekday on its own', () => {
    expect(parsed('sun cream 12').expenses.map((e) => e.occurredOn)).toEqual([today]);
  });
});

describe('rules parser: categories', () => {
  it.each<[string, string]>([
    ['uber 23', 'transport'],
    ['uber eats 25', 'dining'],
    ['gas 40', 'transport'],
    ['gas bill 60', 'utilities'],
    ['netflix 15.99', 'subscriptions'],
    ['amazon prime 14.99', 'subscriptions'],
    ['amazon 30', 'shopping'],
    ['electrician 90', 'housing'],
    ['car repair 400', 'transport'],
    ['roof repair 900', 'housing'],
    ['restaurant bill 80', 'dining'],
    ['subway 2.75', 'transport'],
    ['subway sandwich 8', 'dining'],
    ["McDonald's 9", 'dining'],
    ['gym membership 50', 'health'],
    ['exam fee 40', 'education'],
    ['atm fee 3', 'fees'],
    ['sunscreen 12', 'personal_care'],
    ['spent 40 on stuff', 'other'],
  ])('%s is %s', (text, category) => {
    expect(parsed(text).expenses.map((e) => e.category)).toEqual([category]);
  });
});

describe('rules parser: descriptions', () => {
  it.each<[string, string]>([
    ['Spent $50 on groceries today', 'groceries'],
    ['€12 lunch with Anna', 'lunch with Anna'],
    ['bought a new jacket for 89.99 on saturday', 'new jacket'],
    ['paid 3.5k for the car repair', 'car repair'],
    ['water bill was $41', 'water bill'],
    ['birthday present for mom 45', 'birthday present for mom'],
    ['bought 2 tickets for 30', '2 tickets'],
    ['$40', '$40'],
  ])('%s → %s', (text, description) => {
    expect(parsed(text).expenses.map((e) => e.description)).toEqual([description]);
  });

  it('cuts descriptions at 200 characters', () => {
    const text = `${'very '.repeat(60)}long lunch 12`;
    const [expense] = parsed(text).expenses;
    expect(expense?.description.length).toBeLessThanOrEqual(200);
    expect(expense?.description.startsWith('very very')).toBe(true);
  });
});

describe('rules parser: messages without an expense', () => {
  it.each(['hello how are you', 'thanks!', 'tip 20%', 'see you at 7:30'])(
    '%s gives no expense and a reason',
    (text) => {
      const outcome = parsed(text);
      expect(outcome.expenses).toEqual([]);
      expect(outcome.reason).toMatch(/couldn't find an amount/);
    },
  );

  it.each(['I have 3 kids', 'ran 5 km', 'meeting at 3'])(
    'does not take a number that counts, measures or tells the time for spending: %s',
    (text) => {
      const outcome = parsed(text);
      expect(outcome.expenses).toEqual([]);
      expect(outcome.reason).toMatch(/count or measure something/);
    },
  );

  it('says which parser answered and that it used no tokens', () => {
    expect(parsed('coffee 4')).toMatchObject({ parser: 'rules', tokensUsed: 0 });
  });
});

describe('rules parser: refused requests', () => {
  it.each<[string, Parameters<typeof request>[1], string]>([
    ['x'.repeat(501), {}, 'TEXT_TOO_LONG'],
    ['   \n ', {}, 'EMPTY_TEXT'],
    ['coffee 4', { timezone: 'Mars/Olympus' }, 'INVALID_TIMEZONE'],
    ['coffee 4', { currency: 'ABC' }, 'INVALID_CURRENCY'],
    ['coffee 4', { now: new Date('nope') }, 'INVALID_NOW'],
  ])('refuses %#', async (text, overrides, code) => {
    await expect(rulesExtractor.extract(request(text, overrides))).rejects.toMatchObject({ code });
  });

  it('accepts exactly 500 characters, counted as a person counts them', () => {
    const prefix = 'pizza 12 '; // 9 characters
    expect(parsed(prefix + 'a'.repeat(491)).expenses).toHaveLength(1);
    expect(() => parsed(prefix + 'a'.repeat(492))).toThrow(
      expect.objectContaining({ code: 'TEXT_TOO_LONG' }),
    );
    // 500 characters but 991 UTF-16 code units: still accepted.
    expect(parsed(prefix + '🍕'.repeat(491)).expenses).toHaveLength(1);
  });
});
