import { useRef } from 'react';
import { EmojiPicker } from './EmojiPicker';

/** Under the textbox: emoji, the file picker, the sending state and the send button. */
export function ComposerToolbar({
  labels,
  sending,
  canSend,
  onEmoji,
  onFiles,
}: {
  labels: { emoji: string; emojiDialog: string; attach: string; sending: string; send: string };
  sending: boolean;
  canSend: boolean;
  onEmoji(emoji: string): void;
  onFiles(files: File[]): void;
}) {
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <div className="composer-toolbar">
      <EmojiPicker label={labels.emoji} dialogLabel={labels.emojiDialog} onPick={onEmoji} />
      <button
        type="button"
        className="composer-tool"
        aria-label={labels.attach}
        title={labels.attach}
        onClick={() => fileInput.current?.click()}
      >
        <svg
          aria-hidden="true"
          width="20"
          height="20"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="m21.4 11.1-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8" />
        </svg>
      </button>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        onChange={(event) => {
          onFiles(Array.from(event.target.files ?? []));
          // the same file can be picked again after being removed
          event.target.value = '';
        }}
      />
      <span className="composer-status" role="status">
        {sending ? labels.sending : ''}
      </span>
      <button type="submit" className="primary" disabled={!canSend} aria-busy={sending}>
        {labels.send}
      </button>
    </div>
  );
}
