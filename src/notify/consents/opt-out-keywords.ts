import type { ConsentStatus } from '../../db/schema.js';

/** Words that stop automated messages (the usual ones in Brazil and WhatsApp's own "STOP"). */
const OPT_OUT = ['SAIR', 'PARAR', 'CANCELAR', 'STOP', 'DESCADASTRAR'] as const;
const OPT_IN = ['VOLTAR'] as const;

export type ConsentKeyword = (typeof OPT_OUT)[number] | (typeof OPT_IN)[number];

export interface KeywordDecision {
  keyword: ConsentKeyword;
  status: ConsentStatus;
}

const DECISIONS = new Map<string, KeywordDecision>([
  ...OPT_OUT.map((keyword) => [keyword, { keyword, status: 'opted_out' }] as const),
  ...OPT_IN.map((keyword) => [keyword, { keyword, status: 'opted_in' }] as const),
]);

// Longer than any keyword even with a few spaces and "!!!": cheap rejection of ordinary messages.
const MAX_LENGTH = 40;

/**
 * " Sáir! " → "SAIR": accents, case, spaces and trailing punctuation do not matter, so a person does
 * not have to type the word exactly. Anything else in the message ("quero sair cedo") is not a keyword.
 */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\s+/gu, '')
    .replace(/[\p{P}\p{S}]+$/u, '')
    .toUpperCase();
}

/** The consent decision a message's text asks for, or null when it is not exactly a keyword. */
export function keywordDecision(text: unknown): KeywordDecision | null {
  if (typeof text !== 'string' || text.length > MAX_LENGTH) return null;
  return DECISIONS.get(normaliseKeyword(text)) ?? null;
}
