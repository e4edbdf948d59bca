export { categories, isCategory } from './categories.ts';
export type { Category } from './categories.ts';
export {
  assertAmountInRange,
  currencyDigits,
  formatMinor,
  isCurrency,
  maxAmountMajor,
  parseAmountToMinor,
} from './money.ts';
