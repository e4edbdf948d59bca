/** The spending categories of DESIGN.md, in the order the app lists them. */
export const categories = [
  'groceries',
  'dining',
  'transport',
  'housing',
  'utilities',
  'health',
  'entertainment',
  'shopping',
  'travel',
  'education',
  'subscriptions',
  'personal_care',
  'gifts',
  'fees',
  'other',
] as const;

export type Category = (typeof categories)[number];

export function isCategory(value: string): value is Category {
  return (categories as readonly string[]).includes(value);
}
