/**
 * Small word lists that shape a message: where one expense ends and the next begins, which words
 * say money was spent, and which words carry no meaning at the edges of a description.
 * All entries are lower-case; words are compared folded (see `stem.ts`).
 */

/** Between two amounts, these start the next expense ("gas 40 and parking 6"). */
export const separators: ReadonlySet<string> = new Set([
  'and',
  'plus',
  'also',
  'then',
  '+',
  ',',
  ';',
  '&',
  '\n',
]);

/**
 * Words that say the number is money spent. Without one of them, a currency, or a category
 * keyword, a number is not taken for an expense ("I have 3 kids").
 */
export const spendingCues: ReadonlySet<string> = new Set([
  'spent',
  'spend',
  'spending',
  'paid',
  'pay',
  'paying',
  'bought',
  'buy',
  'purchased',
  'purchase',
  'cost',
  'costs',
  'charged',
  'ordered',
  'price',
  'bill',
  'expense',
  'owe',
  'tip',
]);

/**
 * Words stripped from the edges of a description ("Spent $50 on groceries" → "groceries");
 * inside it they stay ("birthday present for mom"). They also may precede a count of items
 * ("bought 2 tickets for 30").
 */
export const fillerWords: ReadonlySet<string> = new Set([
  'spent',
  'spend',
  'paid',
  'pay',
  'bought',
  'buy',
  'purchased',
  'cost',
  'costs',
  'charged',
  'ordered',
  'i',
  'we',
  'my',
  'our',
  'me',
  'just',
  'got',
  'get',
  'had',
  'have',
  'was',
  'were',
  'is',
  'are',
  'it',
  'that',
  'this',
  'on',
  'for',
  'at',
  'in',
  'to',
  'of',
  'a',
  'an',
  'the',
  'some',
  'about',
  'around',
  'approx',
  'approximately',
  'roughly',
  'total',
  'each',
  'and',
  'plus',
  'also',
  'then',
]);

/**
 * Words after which a small whole number counts things rather than money: "bought 2 tickets for
 * 30", "lunch with 3 friends 45". After an ordinary word it is a price ("coffee 4 sandwich 8").
 */
export const countLeaders: ReadonlySet<string> = new Set([...fillerWords, 'with']);
