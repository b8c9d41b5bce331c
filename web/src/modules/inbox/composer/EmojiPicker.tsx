import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../../../shared/i18n';

/** Common emoji in customer service, with names for screen readers: [emoji, pt-BR, en]. */
const EMOJI: ReadonlyArray<readonly [string, string, string]> = [
  ['😀', 'rosto sorrindo', 'grinning face'],
  ['😊', 'sorriso com olhos sorridentes', 'smiling face'],
  ['🙂', 'sorriso leve', 'slight smile'],
  ['😉', 'piscando', 'winking face'],
  ['😂', 'chorando de rir', 'tears of joy'],
  ['😍', 'apaixonado', 'heart eyes'],
  ['🥰', 'rosto com corações', 'smiling face with hearts'],
  ['😅', 'sorriso aliviado', 'grinning face with sweat'],
  ['🤔', 'pensando', 'thinking face'],
  ['😮', 'surpreso', 'surprised face'],
  ['😢', 'chorando', 'crying face'],
  ['😔', 'pensativo', 'pensive face'],
  ['🙄', 'revirando os olhos', 'eye roll'],
  ['😬', 'sem graça', 'grimacing face'],
  ['🤗', 'abraço', 'hugging face'],
  ['🥳', 'festejando', 'partying face'],
  ['👍', 'joinha', 'thumbs up'],
  ['👎', 'polegar para baixo', 'thumbs down'],
  ['👏', 'palmas', 'clapping hands'],
  ['🙏', 'mãos juntas (obrigado)', 'folded hands'],
  ['👋', 'acenando', 'waving hand'],
  ['🤝', 'aperto de mãos', 'handshake'],
  ['💪', 'força', 'flexed biceps'],
  ['👌', 'tudo certo', 'OK hand'],
  ['❤️', 'coração', 'red heart'],
  ['💚', 'coração verde', 'green heart'],
  ['🔥', 'fogo', 'fire'],
  ['✨', 'brilhos', 'sparkles'],
  ['🎉', 'festa', 'party popper'],
  ['🎂', 'bolo de aniversário', 'birthday cake'],
  ['🎁', 'presente', 'gift'],
  ['🥂', 'brinde', 'clinking glasses'],
  ['📅', 'calendário', 'calendar'],
  ['⏰', 'despertador', 'alarm clock'],
  ['📍', 'local', 'round pushpin'],
  ['📞', 'telefone', 'telephone'],
  ['📸', 'câmera', 'camera with flash'],
  ['💰', 'dinheiro', 'money bag'],
  ['✅', 'confirmado', 'check mark'],
  ['❌', 'cancelado', 'cross mark'],
  ['⚠️', 'atenção', 'warning'],
  ['⏳', 'aguardando', 'hourglass'],
  ['🚗', 'carro', 'car'],
  ['🍽️', 'prato e talheres', 'fork and knife with plate'],
  ['☀️', 'sol', 'sun'],
  ['🌧️', 'chuva', 'rain cloud'],
  ['🌹', 'rosa', 'rose'],
  ['😘', 'mandando beijo', 'face blowing a kiss'],
];
const COLUMNS = 8;

/** A button that opens a small grid of emoji; arrows move, Enter inserts, Esc closes (focus returns). */
export function EmojiPicker({
  label,
  dialogLabel,
  onPick,
}: {
  label: string;
  dialogLabel: string;
  onPick(emoji: string): void;
}) {
  const { locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const toggle = useRef<HTMLButtonElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (open) grid.current?.querySelectorAll<HTMLButtonElement>('button')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!grid.current?.contains(target) && !toggle.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      setActive((current) => Math.min(EMOJI.length - 1, Math.max(0, current + move)));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      setActive(event.key === 'Home' ? 0 : EMOJI.length - 1);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    }
  }

  return (
    <div className="composer-emoji">
      <button
        ref={toggle}
        type="button"
        className="composer-tool"
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen((current) => !current)}
      >
        <span aria-hidden="true">😊</span>
      </button>
      {open && (
        <div
          id={id}
          className="composer-popover emoji-grid"
          role="dialog"
          aria-label={dialogLabel}
          ref={grid}
          onKeyDown={onKeyDown}
        >
          {EMOJI.map(([emoji, pt, en], index) => (
            <button
              key={emoji}
              type="button"
              tabIndex={index === active ? 0 : -1}
              aria-label={locale === 'en' ? en : pt}
              title={locale === 'en' ? en : pt}
              onClick={() => {
                onPick(emoji);
                setOpen(false);
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
