import { formatMinor } from '@cashtrack/events';

/** The GraphQL `Money` of an amount in minor units. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
  readonly amount: string;
}

export function moneyOf(amountMinor: number, currency: string): Money {
  return { amountMinor, currency, amount: formatMinor(amountMinor, currency) };
}
