/**
 * How people write currencies. Each entry lists the ISO-4217 codes a token can mean, most likely
 * first; when the user's own currency is among them it wins ("$" is CAD for a Canadian user).
 * Add a row to teach the parser a new symbol, word or lower-case code.
 */

export interface CurrencyToken {
  readonly codes: readonly [string, ...string[]];
}

const dollars: CurrencyToken = {
  codes: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'MXN', 'ARS', 'CLP', 'COP'],
};
const pounds: CurrencyToken = { codes: ['GBP', 'EGP'] };
const crowns: CurrencyToken = { codes: ['SEK', 'NOK', 'DKK', 'ISK', 'CZK'] };
const rupees: CurrencyToken = { codes: ['INR', 'PKR', 'LKR', 'NPR'] };
const pesos: CurrencyToken = { codes: ['MXN', 'ARS', 'CLP', 'COP', 'PHP'] };

/** Symbols, written before or after the number ("$50", "12,90€"). Matched case-sensitively. */
export const currencySymbols: Readonly<Record<string, CurrencyToken>> = {
  $: dollars,
  US$: { codes: ['USD'] },
  C$: { codes: ['CAD'] },
  CA$: { codes: ['CAD'] },
  A$: { codes: ['AUD'] },
  AU$: { codes: ['AUD'] },
  NZ$: { codes: ['NZD'] },
  HK$: { codes: ['HKD'] },
  S$: { codes: ['SGD'] },
  R$: { codes: ['BRL'] },
  '€': { codes: ['EUR'] },
  '£': pounds,
  '¥': { codes: ['JPY', 'CNY'] },
  '￥': { codes: ['JPY', 'CNY'] },
  元: { codes: ['CNY'] },
  '₹': { codes: ['INR'] },
  '₩': { codes: ['KRW'] },
  '₽': { codes: ['RUB'] },
  '₺': { codes: ['TRY'] },
  '₪': { codes: ['ILS'] },
  '₱': { codes: ['PHP'] },
  '฿': { codes: ['THB'] },
  '₫': { codes: ['VND'] },
  '₴': { codes: ['UAH'] },
  '₦': { codes: ['NGN'] },
  '₣': { codes: ['CHF'] },
};

/** Words, written after the number ("20 bucks", "1500 yen"). Matched lower-case, plural or not. */
export const currencyWords: Readonly<Record<string, CurrencyToken>> = {
  dollar: dollars,
  buck: dollars,
  euro: { codes: ['EUR'] },
  eur: { codes: ['EUR'] },
  pound: pounds,
  quid: { codes: ['GBP'] },
  yen: { codes: ['JPY'] },
  yuan: { codes: ['CNY'] },
  rmb: { codes: ['CNY'] },
  renminbi: { codes: ['CNY'] },
  rupee: rupees,
  rs: rupees,
  peso: pesos,
  franc: { codes: ['CHF'] },
  won: { codes: ['KRW'] },
  baht: { codes: ['THB'] },
  real: { codes: ['BRL'] },
  reais: { codes: ['BRL'] },
  zloty: { codes: ['PLN'] },
  zł: { codes: ['PLN'] },
  kr: crowns,
  krona: { codes: ['SEK', 'ISK'] },
  kronor: { codes: ['SEK'] },
  krone: { codes: ['NOK', 'DKK'] },
  kroner: { codes: ['NOK', 'DKK'] },
  lira: { codes: ['TRY'] },
  shekel: { codes: ['ILS'] },
  dirham: { codes: ['AED', 'MAD'] },
  rand: { codes: ['ZAR'] },
  ruble: { codes: ['RUB'] },
  rouble: { codes: ['RUB'] },
};

/**
 * ISO codes also recognised in lower or mixed case ("45 eur", "usd 20"). Upper-case codes are
 * always recognised; lower-case ones only from this list, because many codes are English words
 * ("all", "bob", "pen", "top", "try", "mad", "cup").
 */
export const lowerCaseCodes: ReadonlySet<string> = new Set([
  'usd',
  'eur',
  'gbp',
  'jpy',
  'cad',
  'aud',
  'nzd',
  'chf',
  'cny',
  'hkd',
  'sgd',
  'inr',
  'mxn',
  'brl',
  'sek',
  'nok',
  'dkk',
  'pln',
  'czk',
  'huf',
  'krw',
  'zar',
  'thb',
  'ils',
  'aed',
  'rub',
  'uah',
  'ron',
  'idr',
  'vnd',
]);
