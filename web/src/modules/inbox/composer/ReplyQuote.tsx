import type { Message } from '../inbox.api';

const QUOTE_CHARS = 140;

/** Who wrote the quoted message, as the attendant knows them. */
export function quotedAuthor(message: Message, labels: { you: string; contact: string }): string {
  const sender = message.sender;
  const name = sender?.available_name ?? sender?.name;
  if (typeof name === 'string' && name.trim()) return name;
  return message.message_type === 0 ? labels.contact : labels.you;
}

/** The message being answered, above the textbox, with a button to stop replying to it. */
export function ReplyQuote({
  message,
  title,
  attachmentLabel,
  cancelLabel,
  onCancel,
}: {
  message: Message;
  title: string;
  attachmentLabel: string;
  cancelLabel: string;
  onCancel(): void;
}) {
  const text = message.content?.trim() || (message.attachments.length > 0 ? `📎 ${attachmentLabel}` : '…');
  return (
    <div className="composer-quote">
      <div className="quote-body">
        <p className="quote-title">{title}</p>
        <p className="quote-text">{text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text}</p>
      </div>
      <button type="button" className="quote-cancel" aria-label={cancelLabel} title={cancelLabel} onClick={onCancel}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
