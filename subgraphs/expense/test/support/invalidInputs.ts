/**
 * Expense inputs each rule refuses, with the code it answers. Shared by the subgraph's own tests
 * and the end-to-end tests through the gateway, which check the same rules at two depths.
 */
export const invalidExpenseInputs: readonly (readonly [string, Record<string, unknown>, string])[] =
  [
    ['a word for an amount', { amount: 'ten', category: 'dining' }, 'INVALID_AMOUNT'],
    ['a negative amount', { amount: '-5', category: 'dining' }, 'INVALID_AMOUNT'],
    ['a zero amount', { amount: '0', category: 'dining' }, 'AMOUNT_OUT_OF_RANGE'],
    [
      'more than 1,000,000,000',
      { amount: '1000000000.01', category: 'dining' },
      'AMOUNT_OUT_OF_RANGE',
    ],
    ['3 decimals of USD', { amount: '1.234', category: 'dining' }, 'TOO_MANY_DECIMALS'],
    [
      'decimals of JPY',
      { amount: '1.5', currency: 'JPY', category: 'dining' },
      'TOO_MANY_DECIMALS',
    ],
    [
      'an unknown currency',
      { amount: '1', currency: 'XYZ', category: 'dining' },
      'INVALID_CURRENCY',
    ],
    ['an unknown category', { amount: '1', category: 'rockets' }, 'INVALID_CATEGORY'],
    ['February 30', { amount: '1', category: 'dining', occurredOn: '2026-02-30' }, 'INVALID_DATE'],
    [
      'a date that is no date',
      { amount: '1', category: 'dining', occurredOn: 'yesterday' },
      'INVALID_DATE',
    ],
    [
      'a date past ten years ahead',
      { amount: '1', category: 'dining', occurredOn: '2037-01-01' },
      'DATE_OUT_OF_RANGE',
    ],
    [
      'a date past ten years back',
      { amount: '1', category: 'dining', occurredOn: '2016-01-01' },
      'DATE_OUT_OF_RANGE',
    ],
    [
      'a 201-character description',
      { amount: '1', category: 'dining', description: 'x'.repeat(201) },
      'DESCRIPTION_TOO_LONG',
    ],
  ];

/** `logExpense` texts refused before anything is published. */
export const invalidMessageTexts: readonly (readonly [string, string, string])[] = [
  ['empty text', '', 'EMPTY_TEXT'],
  ['blank text', ' \n\t ', 'EMPTY_TEXT'],
  ['501 characters', 'x'.repeat(501), 'TEXT_TOO_LONG'],
];
