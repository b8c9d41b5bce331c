import { describe, expect, it } from 'vitest';
import { applyCanned, cannedTrigger, insertAt } from './canned-trigger';
import { clearSentDraft, draftKey, loadDraft, saveDraft } from './drafts';
import { addFiles, formatFileSize } from './files';

describe('canned-response trigger', () => {
  it('opens on a slash at the start of the text or of a word, with what follows as the search', () => {
    expect(cannedTrigger('/pre', 4)).toEqual({ start: 0, end: 4, query: 'pre' });
    expect(cannedTrigger('Oi! /', 5)).toEqual({ start: 4, end: 5, query: '' });
    expect(cannedTrigger('linha\n/hor', 10)).toEqual({ start: 6, end: 10, query: 'hor' });
  });

  it('stays closed inside a word, a link, a date, or once a space follows the shortcut', () => {
    expect(cannedTrigger('https://exemplo.com', 19)).toBeNull();
    expect(cannedTrigger('dia 12/05', 9)).toBeNull();
    expect(cannedTrigger('/preco ', 7)).toBeNull();
    expect(cannedTrigger('sem barra', 9)).toBeNull();
  });

  it('looks only at the text before the caret', () => {
    expect(cannedTrigger('/preco e mais', 3)).toEqual({ start: 0, end: 3, query: 'pr' });
  });

  it('replaces the shortcut with the content and puts the caret after it', () => {
    const trigger = { start: 4, end: 8, query: 'pre' };
    expect(applyCanned('Oi! /pre', trigger, 'Nosso preço é {{contact.name}}')).toEqual({
      text: 'Oi! Nosso preço é {{contact.name}}',
      caret: 34,
    });
    expect(applyCanned('/prefim', { start: 0, end: 4, query: 'pre' }, 'Texto')).toEqual({
      text: 'Texto fim',
      caret: 6,
    });
  });

  it('inserts an emoji over the selection', () => {
    expect(insertAt('Olá mundo', { start: 4, end: 9 }, '👋')).toEqual({ text: 'Olá 👋', caret: 6 });
    expect(insertAt('abc', { start: 99, end: 99 }, '!')).toEqual({ text: 'abc!', caret: 4 });
  });
});

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

describe('drafts', () => {
  it('keys drafts by account and conversation', () => {
    expect(draftKey(1, 42)).toBe('santana.draft.1.42');
    expect(draftKey(2, 42)).not.toBe(draftKey(1, 42));
  });

  it('saves, loads and removes a blank draft', () => {
    const storage = memoryStorage();
    saveDraft('k', 'Olá, tudo bem?', storage);
    expect(loadDraft('k', storage)).toBe('Olá, tudo bem?');
    saveDraft('k', '   ', storage);
    expect(storage.items.has('k')).toBe(false);
    expect(loadDraft('k', storage)).toBe('');
  });

  it('clears a sent draft but keeps one started after the send', () => {
    const storage = memoryStorage();
    saveDraft('k', 'enviado', storage);
    clearSentDraft('k', 'enviado', storage);
    expect(storage.items.has('k')).toBe(false);
    saveDraft('k', 'outro rascunho', storage);
    clearSentDraft('k', 'enviado', storage);
    expect(loadDraft('k', storage)).toBe('outro rascunho');
  });

  it('works without storage (private mode)', () => {
    expect(loadDraft('k', null)).toBe('');
    expect(() => saveDraft('k', 'x', null)).not.toThrow();
  });
});

describe('attachments', () => {
  it('formats sizes the way people read them', () => {
    expect(formatFileSize(0)).toBe('0 B');
    expect(formatFileSize(512)).toBe('512 B');
    expect(formatFileSize(1536)).toBe('1,5 KB');
    expect(formatFileSize(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatFileSize(15.4 * 1024 * 1024)).toBe('15 MB');
    expect(formatFileSize(1536, 'en')).toBe('1.5 KB');
  });

  it('adds each file once and stops at the limit', () => {
    const file = (name: string) => ({ name, size: 10, lastModified: 1 });
    const first = addFiles([], [file('a.png'), file('a.png'), file('b.pdf')], 3);
    expect(first.files.map((f) => f.name)).toEqual(['a.png', 'b.pdf']);
    const second = addFiles(first.files, [file('c.jpg'), file('d.jpg'), file('e.jpg')], 3);
    expect(second.files.map((f) => f.name)).toEqual(['a.png', 'b.pdf', 'c.jpg']);
    expect(second.dropped).toBe(2);
  });
});
