/**
 * The categories the API accepts (DESIGN.md, "Money, dates, categories"): the events' list
 * (events/src/categories.ts), copied because the app's jest-expo tests run as CommonJS and cannot
 * load the events' ES modules; events/test/appCategories.unit.test.ts holds the two equal.
 */
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
