/** A Brazilian taxpayer document: CPF (people) or CNPJ (companies). */
export type DocumentKind = 'cpf' | 'cnpj';

export interface NormalizedDocument {
  /** Digits (and, for the alphanumeric CNPJ, uppercase letters) only. */
  document: string;
  kind: DocumentKind;
}

// People write documents with dots, slashes, dashes and spaces ("123.456.789-09", "12.ABC.345/01DE-35").
const PUNCTUATION = /[\s./-]/g;
const CPF_SHAPE = /^\d{11}$/;
// From July 2026 the Receita Federal issues CNPJs with letters in the first 12 positions; the check
// digits stay numeric (IN RFB 2.229/2024).
const CNPJ_SHAPE = /^[A-Z0-9]{12}\d{2}$/;

/** Modulo 11 over `values` with `weights`: remainder below 2 gives 0, otherwise 11 − remainder. */
function mod11(values: number[], weights: number[]): number {
  const sum = values.reduce((total, value, index) => total + value * (weights[index] ?? 0), 0);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

const allSame = (text: string) => /^(.)\1*$/.test(text);

export function isValidCpf(cpf: string): boolean {
  if (!CPF_SHAPE.test(cpf) || allSame(cpf)) return false;
  const digits = [...cpf].map(Number);
  const first = mod11(digits.slice(0, 9), [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11([...digits.slice(0, 9), first], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return digits[9] === first && digits[10] === second;
}

// Each character counts as its ASCII code minus 48: digits keep their value, A = 17 … Z = 42.
const cnpjValue = (char: string) => char.charCodeAt(0) - 48;
const CNPJ_WEIGHTS = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/** The two check digits of a CNPJ's first 12 characters (numeric or alphanumeric). */
export function cnpjCheckDigits(base: string): string {
  const values = [...base].map(cnpjValue);
  const first = mod11(values, CNPJ_WEIGHTS.slice(1));
  const second = mod11([...values, first], CNPJ_WEIGHTS);
  return `${first}${second}`;
}

export function isValidCnpj(cnpj: string): boolean {
  if (!CNPJ_SHAPE.test(cnpj) || allSame(cnpj)) return false;
  return cnpjCheckDigits(cnpj.slice(0, 12)) === cnpj.slice(12);
}

/**
 * Reads a CPF or CNPJ as people write it (punctuation, lowercase letters) and checks its digits.
 * Returns null when it is neither.
 */
export function normalizeDocument(input: string): NormalizedDocument | null {
  const compact = input.replace(PUNCTUATION, '').toUpperCase();
  if (isValidCpf(compact)) return { document: compact, kind: 'cpf' };
  if (isValidCnpj(compact)) return { document: compact, kind: 'cnpj' };
  return null;
}

/** How a search term would be stored, when it looks like a whole document (for exact lookups). */
export function documentSearchKey(q: string): string | null {
  const compact = q.trim().replace(PUNCTUATION, '').toUpperCase();
  return CPF_SHAPE.test(compact) || CNPJ_SHAPE.test(compact) ? compact : null;
}
