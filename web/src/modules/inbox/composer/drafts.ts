/** Half-typed replies survive navigation and reload: one localStorage entry per account and conversation. */

type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'santana.draft';

/** `santana.draft.<account>.<conversation display id>`: one browser can hold several accounts' drafts. */
export const draftKey = (accountId: number, conversationId: number) => `${PREFIX}.${accountId}.${conversationId}`;

function browserStorage(): DraftStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    // storage disabled (private mode, policy): drafts last as long as the page
    return null;
  }
}

export function loadDraft(key: string, storage: DraftStorage | null = browserStorage()): string {
  try {
    return storage?.getItem(key) ?? '';
  } catch {
    return '';
  }
}

/** Blank text removes the entry, so sent or erased drafts leave nothing behind. */
export function saveDraft(key: string, text: string, storage: DraftStorage | null = browserStorage()): void {
  try {
    if (text.trim() === '') storage?.removeItem(key);
    else storage?.setItem(key, text);
  } catch {
    // quota exceeded: the draft stays in the textbox only
  }
}

/** After a successful send: forget the draft unless the attendant has started a new one meanwhile. */
export function clearSentDraft(key: string, sent: string, storage: DraftStorage | null = browserStorage()): void {
  if (loadDraft(key, storage) === sent) saveDraft(key, '', storage);
}
