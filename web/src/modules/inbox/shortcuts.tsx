import { useEffect, useRef } from 'react';
import { useI18n } from '../../shared/i18n';
import type { InboxT } from './messages/message-kinds';

/** Whether a key press belongs to a field being typed in (shortcuts stay out of the way). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

/** Single-key shortcuts on the window, ignored while typing, with modifiers, or under an open dialog. */
export function useShortcuts(handlers: Record<string, (() => void) | undefined>) {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const handler = current.current[event.key];
      if (!handler) return;
      event.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const SHORTCUTS = [
  { keys: 'j', label: 'shortcuts.next' },
  { keys: 'k', label: 'shortcuts.previous' },
  { keys: 'r', label: 'shortcuts.resolve' },
  { keys: 'a', label: 'shortcuts.assign' },
  { keys: 'u', label: 'shortcuts.unread' },
  { keys: '/', label: 'shortcuts.search' },
  { keys: '?', label: 'shortcuts.help' },
  { keys: 'Esc', label: 'shortcuts.escape' },
] as const;

/** The "?" help: every shortcut, in a modal dialog (Esc closes it). */
export function ShortcutsDialog({ t, onClose }: { t: InboxT; onClose: () => void }) {
  const shared = useI18n();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} className="shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
      <p className="muted">{t('shortcuts.intro')}</p>
      <dl className="shortcuts">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.keys}>
            <dt>
              <kbd>{shortcut.keys}</kbd>
            </dt>
            <dd>{t(shortcut.label)}</dd>
          </div>
        ))}
      </dl>
      <button type="button" className="secondary" onClick={onClose}>
        {shared.t('common.close')}
      </button>
    </dialog>
  );
}
