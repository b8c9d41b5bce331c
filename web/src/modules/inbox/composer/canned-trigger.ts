/** The "/atalho" being typed at the caret, which opens the canned-response suggestions. */
export interface CannedTrigger {
  /** Index of the "/". */
  start: number;
  /** The caret: the text from start to end is replaced by the chosen response. */
  end: number;
  /** What follows the slash, sent as ?search=. */
  query: string;
}

/**
 * A slash opens suggestions only at the start of a word ("/preco", "oi /end"), never inside one
 * (a link such as "https://…" or a date "12/05"). The word runs up to the caret.
 */
export function cannedTrigger(text: string, caret: number): CannedTrigger | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)\/([^\s/]*)$/.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, end: caret, query };
}

/** Replaces the trigger with the response's content; the caret goes right after it. */
export function applyCanned(text: string, trigger: CannedTrigger, content: string): { text: string; caret: number } {
  const after = text.slice(trigger.end);
  const spacer = after === '' || /^\s/.test(after) ? '' : ' ';
  const next = text.slice(0, trigger.start) + content + spacer + after;
  return { text: next, caret: trigger.start + content.length + spacer.length };
}

/** Inserts text (an emoji) over the selection and gives the caret position after it. */
export function insertAt(
  text: string,
  selection: { start: number; end: number },
  insert: string,
): { text: string; caret: number } {
  const start = Math.max(0, Math.min(selection.start, text.length));
  const end = Math.max(start, Math.min(selection.end, text.length));
  return { text: text.slice(0, start) + insert + text.slice(end), caret: start + insert.length };
}
