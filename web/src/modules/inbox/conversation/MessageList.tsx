import { Fragment, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayOf, formatDay, toDate } from '../../../shared/format';
import { useI18n } from '../../../shared/i18n';
import type { PendingMessage } from '../composer/Composer';
import type { Attachment, Message } from '../inbox.api';
import { ImageLightbox } from '../messages/ImageLightbox';
import { MessageBubble, PendingBubble } from '../messages/MessageBubble';
import { findQuoted, type InboxT, indexMessages } from '../messages/message-kinds';

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 120;

export interface MessageListProps {
  messages: Message[];
  pending: PendingMessage[];
  hasOlder: boolean;
  loadingOlder: boolean;
  onLoadOlder(): void;
  onReply(message: Message): void;
  onRetry(message: Message): void;
  retrying: ReadonlySet<number>;
  t: InboxT;
}

/**
 * The conversation's messages with day separators (São Paulo days). Opens at the bottom, keeps the
 * reading position when older pages load above, and follows new messages only when already at the bottom.
 */
export function MessageList({
  messages,
  pending,
  hasOlder,
  loadingOlder,
  onLoadOlder,
  onReply,
  onRetry,
  retrying,
  t,
}: MessageListProps) {
  const { locale } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const previous = useRef({ first: 0, last: 0, pending: 0, height: 0, top: 0 });
  const [lightbox, setLightbox] = useState<{ attachment: Attachment; caption: string | null } | null>(null);
  const index = useMemo(() => indexMessages(messages), [messages]);

  const first = messages[0]?.id ?? 0;
  const last = messages[messages.length - 1]?.id ?? 0;

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const before = previous.current;
    if (before.first !== 0 && first < before.first && last === before.last) {
      // Older messages went in above: keep what the attendant was reading in place.
      element.scrollTop = before.top + (element.scrollHeight - before.height);
    } else if (before.last === 0 || atBottom.current || pending.length > before.pending) {
      element.scrollTop = element.scrollHeight;
    }
    previous.current = { first, last, pending: pending.length, height: element.scrollHeight, top: element.scrollTop };
  }, [first, last, pending.length]);

  const jumpTo = (id: number) => {
    const target = document.getElementById(`message-${id}`);
    if (!target) return;
    target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    target.classList.add('msg-highlight');
    setTimeout(() => target.classList.remove('msg-highlight'), 1600);
  };

  const now = new Date();
  let lastDay = '';
  return (
    <div
      className="msg-scroller"
      ref={scroller}
      onScroll={(event) => {
        const element = event.currentTarget;
        atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
        previous.current.top = element.scrollTop;
        previous.current.height = element.scrollHeight;
        if (element.scrollTop < NEAR_TOP_PX && hasOlder && !loadingOlder) onLoadOlder();
      }}
    >
      {hasOlder && (
        <div className="msg-older">
          <button type="button" className="secondary" disabled={loadingOlder} onClick={onLoadOlder}>
            {loadingOlder ? t('view.loading') : t('view.loadOlder')}
          </button>
        </div>
      )}
      {messages.length === 0 && pending.length === 0 && <p className="list-state">{t('view.noMessages')}</p>}
      <ol className="msg-list" aria-label={t('view.messages')}>
        {messages.map((message) => {
          const date = toDate(message.created_at);
          const day = date ? dayOf(date) : lastDay;
          const separator =
            date && day !== lastDay ? (
              <li className="msg-day" aria-hidden="false">
                <span>{formatDay(date, now, locale)}</span>
              </li>
            ) : null;
          lastDay = day;
          return (
            <Fragment key={message.id}>
              {separator}
              <MessageBubble
                message={message}
                t={t}
                quoted={findQuoted(message, index)}
                onReply={onReply}
                onRetry={onRetry}
                retrying={retrying.has(message.id)}
                onJump={jumpTo}
                onOpenImage={(attachment) => setLightbox({ attachment, caption: message.content })}
              />
            </Fragment>
          );
        })}
        {pending.map((item) => (
          <PendingBubble key={item.tempId} pending={item} t={t} />
        ))}
      </ol>
      {lightbox && (
        <ImageLightbox
          attachment={lightbox.attachment}
          caption={lightbox.caption}
          t={t}
          onClose={() => setLightbox(null)}
        />
      )}
    </div>
  );
}
