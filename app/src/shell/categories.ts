// The one list of categories (DESIGN.md, "Money, dates, categories") is the events' own: the API
// validates against it, so the app offers exactly what the API accepts.
export { categories, type Category } from '../../../events/src/categories';

export function categoryLabel(category: string): string {
  return category.replace('_', ' ');
}
