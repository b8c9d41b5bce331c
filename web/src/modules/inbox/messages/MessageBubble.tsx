import { formatTime, toDate } from '../../../shared/format';
import type { PendingMessage } from '../composer/Composer';
import type { Attachment, Message } from '../inbox.api';
import { LinkifiedText } from './LinkifiedText';
import { MessageContent } from './MessageContent';
import {
  attributesOf,
  canRetry,
  type InboxT,
  isActivity,
  isDeleted,
  isOutgoing,
  previewOf,
  type TickState,
  tickStateOf,
} from './message-kinds';

const TICK_MARKS: Record<TickState, string> = {
  sending: '🕓',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '⚠',
};
const TICK_LABELS: Record<TickState, 'msg.sending' | 'msg.sent' | 'msg.delivered' | 'msg.read' | 'msg.failed'> = {
  sending: 'msg.sending',
  sent: 'msg.sent',
  delivered: 'msg.delivered',
  read: 'msg.read',
  failed: 'msg.failed',
};

/** Delivery ticks with an accessible name (enviado, entregue, lido, falhou). */
export function Ticks({ state, t }: { state: TickState; t: InboxT }) {
  const label = t(TICK_LABELS[state]);
  return (
    <span className={`msg-ticks msg-ticks-${state}`} role="img" aria-label={label} title={label}>
      {TICK_MARKS[state]}
    </span>
  );
}

function Reactions({ message, t }: { message: Message; t: InboxT }) {
  if (message.reactions.length === 0) return null;
  const counts = new Map<string, string[]>();
  for (const reaction of message.reactions) {
    const who = reaction.reactor_type === 'contact' ? t('msg.reactionContact') : t('msg.reactionAgent');
    counts.set(reaction.emoji, [...(counts.get(reaction.emoji) ?? []), who]);
  }
  return (
    <ul className="msg-reactions" aria-label={t('msg.reactions')}>
      {[...counts].map(([emoji, who]) => (
        <li key={emoji} aria-label={t('msg.reactionBy', { emoji, who: who.join(', ') })}>
          <span aria-hidden="true">
            {emoji}
            {who.length > 1 ? ` ${who.length}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Quote({ quoted, t, onJump }: { quoted: Message | null; t: InboxT; onJump?: (id: number) => void }) {
  if (!quoted) {
    return (
      <p className="msg-quote msg-quote-missing">
        ↩ {t('msg.replyingTo')} {t('msg.quoteMissing')}
      </p>
    );
  }
  const author = isOutgoing(quoted)
    ? (quoted.sender?.available_name ?? quoted.sender?.name ?? '')
    : quoted.sender?.name;
  return (
    <button type="button" className="msg-quote" onClick={() => onJump?.(quoted.id)}>
      <span className="visually-hidden">{t('msg.replyingTo')} </span>
      {author && <strong>{author}</strong>}
      <span className="msg-quote-text">{previewOf(quoted, t)}</span>
    </button>
  );
}

export interface MessageBubbleProps {
  message: Message;
  t: InboxT;
  /** The message this one answers: undefined when it is not a reply, null when not loaded. */
  quoted?: Message | null | undefined;
  onReply?: (message: Message) => void;
  onRetry?: (message: Message) => void;
  onJump?: (id: number) => void;
  onOpenImage?: (attachment: Attachment) => void;
  retrying?: boolean;
}

/** One message: side by direction, private notes in yellow, activity lines centred. */
export function MessageBubble({
  message,
  t,
  quoted,
  onReply,
  onRetry,
  onJump,
  onOpenImage,
  retrying,
}: MessageBubbleProps) {
  const time = toDate(message.created_at);
  if (isActivity(message)) {
    return (
      <li className="msg-activity" id={`message-${message.id}`}>
        <span>{message.content}</span>
        {time && <time dateTime={time.toISOString()}> · {formatTime(time)}</time>}
      </li>
    );
  }
  const attributes = attributesOf(message);
  const outgoing = isOutgoing(message);
  const side = message.private ? 'note' : outgoing ? 'out' : 'in';
  const senderName = outgoing ? (message.sender?.available_name ?? message.sender?.name) : undefined;
  const state = outgoing && !message.private ? tickStateOf(message) : null;
  return (
    <li className={`msg msg-${side}`} id={`message-${message.id}`} data-message-id={message.id}>
      <article className="msg-bubble" aria-label={message.private ? t('msg.privateNote') : undefined}>
        {message.private && <p className="msg-note-label">🔒 {t('msg.privateNote')}</p>}
        {senderName && !message.private && <p className="msg-sender">{senderName}</p>}
        {(attributes.forwarded === true || attributes.frequently_forwarded === true) && (
          <p className="msg-forwarded">
            ↪ {attributes.frequently_forwarded === true ? t('msg.frequentlyForwarded') : t('msg.forwarded')}
          </p>
        )}
        {quoted !== undefined && <Quote quoted={quoted} t={t} onJump={onJump} />}
        <MessageContent message={message} t={t} onOpenImage={onOpenImage} />
        <Reactions message={message} t={t} />
        <p className="msg-meta">
          {attributes.edited === true && !isDeleted(message) && (
            <span className="msg-edited">{t('msg.edited')} · </span>
          )}
          {time && <time dateTime={time.toISOString()}>{formatTime(time)}</time>}
          {state && <Ticks state={state} t={t} />}
        </p>
        {state === 'failed' && (
          <div className="msg-failure" role="note">
            <p>{message.error?.reason ?? t('msg.sendFailed')}</p>
            {onRetry && canRetry(message) && (
              <button type="button" className="secondary" disabled={retrying} onClick={() => onRetry(message)}>
                {retrying ? t('msg.retrying') : t('msg.retry')}
              </button>
            )}
          </div>
        )}
      </article>
      {onReply && !isDeleted(message) && !message.private && (
        <button type="button" className="msg-reply-action" onClick={() => onReply(message)}>
          {t('msg.reply')}
        </button>
      )}
    </li>
  );
}

/** A message shown while it is being sent (optimistic), or its failure with "tentar novamente". */
export function PendingBubble({ pending, t }: { pending: PendingMessage; t: InboxT }) {
  const side = pending.private ? 'note' : 'out';
  // Milliseconds (Date.now()); seconds are accepted too.
  const created = new Date(pending.createdAt < 1e12 ? pending.createdAt * 1000 : pending.createdAt);
  return (
    <li className={`msg msg-${side} msg-pending`} data-pending-id={pending.tempId}>
      <article className="msg-bubble">
        {pending.private && <p className="msg-note-label">🔒 {t('msg.privateNote')}</p>}
        <LinkifiedText text={pending.content} />
        <p className="msg-meta">
          <time dateTime={created.toISOString()}>{formatTime(created)}</time>
          <Ticks state={pending.error ? 'failed' : 'sending'} t={t} />
        </p>
        {pending.error && (
          <div className="msg-failure" role="note">
            <p>{pending.error}</p>
            {pending.retry && (
              <button type="button" className="secondary" onClick={pending.retry}>
                {t('msg.retry')}
              </button>
            )}
          </div>
        )}
      </article>
    </li>
  );
}
