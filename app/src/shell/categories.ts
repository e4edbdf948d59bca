/** The categories the API accepts (DESIGN.md, "Money, dates, categories"). */
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

export function categoryLabel(category: string): string {
  return category.replace('_', ' ');
}
