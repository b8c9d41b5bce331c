import { normalizeWords } from './text-normalize.js';

// Deliberately small: only answers nobody could read another way. Anything else goes to an attendant.
const ACCEPT = ['aceito', 'aceitar', 'sim', 'pode ser', 'topo', 'ok'];
const DECLINE = ['nao', 'nao posso', 'recuso', 'recusar', 'nao vou poder'];

export type ReplyIntent = 'accept' | 'decline';

/** What a provider's free-text answer to an offer means, or null when it is not one of the obvious ones. */
export function classifyOfferReply(text: string): ReplyIntent | null {
  const words = normalizeWords(text);
  if (ACCEPT.includes(words)) return 'accept';
  if (DECLINE.includes(words)) return 'decline';
  return null;
}
