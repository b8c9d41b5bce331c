/** Lower case, without accents, punctuation or repeated spaces: "  Não, POSSO! " → "nao posso". */
export function normalizeWords(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
