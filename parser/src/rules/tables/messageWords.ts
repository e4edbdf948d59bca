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

/**
 * Words that end the head of an expense's phrase: what comes before them is what was bought,
 * what comes after is where or for whom ("snacks at the gas station" is food, "uber to the
 * airport" is a ride). A category word in the head outranks one after it. English first, then
 * the prepositions people mix in from German, Spanish, French, Italian and Portuguese.
 */
export const phraseBoundaries: ReadonlySet<string> = new Set([
  'at',
  'from',
  'to',
  'for',
  'with',
  'near',
  'in',
  'into',
  'via',
  'bei',
  'beim',
  'im',
  'zum',
  'zur',
  'für',
  'mit',
  'al',
  'con',
  'para',
  'en',
  'au',
  'aux',
  'chez',
  'pour',
  'avec',
  'presso',
  'per',
  'com',
]);

/**
 * Phrases that say a message records no purchase even though it holds a number: a reminder,
 * a plan, money coming in. Matched as whole words anywhere in the message.
 */
export const notPurchasePhrases: readonly string[] = [
  'remind',
  'reminder',
  'remember to',
  "don't forget",
  'dont forget',
  'do not forget',
  'todo',
  'to-do',
  'need to pay',
  'have to pay',
  'going to pay',
  'will pay',
  'should pay',
  'got paid',
  'paid me',
  'pays me',
  'salary',
  'paycheck',
  'income',
  'earned',
  'received',
  'refund',
  'refunded',
  'reimbursed',
  'owes me',
  'sold',
];

/** A message opening with one of these asks something ("how much did I spend..."). */
export const questionOpeners: ReadonlySet<string> = new Set([
  'how',
  'what',
  'when',
  'where',
  'why',
  'which',
  'who',
  'wie',
  'cuánto',
  'cuanto',
  'combien',
  'quanto',
]);

/**
 * Words that, right after a bare number, say it measures or counts something other than money
 * ("ran 5 km", "3 kids", "10 minutes"). Plurals match too ("kids" → "kid").
 */
export const measureWords: ReadonlySet<string> = new Set([
  'km',
  'kilometer',
  'kilometre',
  'mile',
  'mi',
  'meter',
  'metre',
  'step',
  'minute',
  'min',
  'hour',
  'hr',
  'day',
  'week',
  'month',
  'year',
  'time',
  'kid',
  'child',
  'children',
  'people',
  'person',
  'page',
  'rep',
  'set',
  'lap',
  'floor',
  'degree',
  'point',
  'kg',
  'lb',
  'calorie',
  'cal',
]);

/** Before a bare whole number, these make it a clock time ("meeting at 3"). */
export const clockCues: ReadonlySet<string> = new Set(['at', 'around', 'until', 'by', 'um']);
