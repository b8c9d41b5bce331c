/**
 * Reais typed by a person ("1.500", "1.234,56", "R$ 80,5", "99.90") as integer cents; null when empty,
 * undefined when it is not an amount. A single dot followed by one or two digits is read as decimals.
 */
export function parseMoney(text: string): number | null | undefined {
  const cleaned = text.replace(/R\$|\s/g, '');
  if (cleaned === '') return null;
  if (!/^\d[\d.,]*$/.test(cleaned)) return undefined;
  let normalised: string;
  if (cleaned.includes(',')) {
    if (cleaned.indexOf(',') !== cleaned.lastIndexOf(',')) return undefined;
    normalised = cleaned.replace(/\./g, '').replace(',', '.');
  } else if (/^\d+\.\d{1,2}$/.test(cleaned)) {
    normalised = cleaned;
  } else {
    normalised = cleaned.replace(/\./g, '');
  }
  const [whole = '', decimals = ''] = normalised.split('.');
  if (decimals.length > 2 || whole === '') return undefined;
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

/** Cents as the form shows them back: "1234,56". */
export const centsToInput = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? '' : `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
