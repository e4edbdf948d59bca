// The one list of categories the API accepts (DESIGN.md, "Money, dates, categories"), shared with
// the services; the file imports nothing, so the app takes it without the rest of events/.
export { categories, type Category } from '../../../events/src/categories';

export function categoryLabel(category: string): string {
  return category.replace('_', ' ');
}
