import type { ReactNode } from 'react';
import type { Attachment, Message } from '../inbox.api';
import { LinkifiedText } from './LinkifiedText';
import {
  asList,
  asRecord,
  asText,
  attributesOf,
  formatFileSize,
  type InboxT,
  isDeleted,
  mediaKind,
} from './message-kinds';

export interface MessageContentProps {
  message: Message;
  t: InboxT;
  onOpenImage?: (attachment: Attachment) => void;
}

function AttachmentView({ attachment, message, t, onOpenImage }: MessageContentProps & { attachment: Attachment }) {
  if (attachment.status === 'pending') {
    return <p className="msg-media-state">{t('msg.pendingMedia')}</p>;
  }
  if (attachment.status === 'failed' || !attachment.data_url) {
    return (
      <p className="msg-media-state msg-media-failed" role="note">
        {t('msg.failedMedia')}
        {attachment.error ? `: ${attachment.error}` : ''}
      </p>
    );
  }
  const kind = mediaKind(attachment);
  const url = attachment.data_url;
  switch (kind) {
    case 'sticker':
      return <img className="msg-sticker" src={url} alt={t('msg.sticker')} loading="lazy" />;
    case 'image':
      return (
        <button type="button" className="msg-image" onClick={() => onOpenImage?.(attachment)}>
          <img src={attachment.thumb_url ?? url} alt={message.content || t('msg.image')} loading="lazy" />
          <span className="visually-hidden">{t('msg.openImage')}</span>
        </button>
      );
    case 'audio': {
      const label = attributesOf(message).voice === true ? t('msg.voiceNote') : t('msg.audio');
      return (
        <figure className="msg-audio">
          <figcaption>{label}</figcaption>
          {/* biome-ignore lint/a11y/useMediaCaption: WhatsApp audio has no captions */}
          <audio controls preload="none" src={url} aria-label={label} />
        </figure>
      );
    }
    case 'video':
      return (
        // biome-ignore lint/a11y/useMediaCaption: WhatsApp video has no captions
        <video className="msg-video" controls preload="metadata" src={url} aria-label={t('msg.video')} />
      );
    default: {
      const size = formatFileSize(attachment.file_size);
      const name =
        attachment.file_name ?? `${t('preview.file')}${attachment.extension ? `.${attachment.extension}` : ''}`;
      return (
        <a className="msg-file" href={url} download={attachment.file_name ?? true} rel="noopener noreferrer">
          <span aria-hidden="true">📄</span> <span className="msg-file-name">{name}</span>
          {size && <span className="msg-file-size"> · {size}</span>}
          <span className="visually-hidden"> ({t('msg.download')})</span>
        </a>
      );
    }
  }
}

function LocationView({ message, t }: MessageContentProps) {
  const location = asRecord(attributesOf(message).location);
  const name = asText(location.name);
  const address = asText(location.address);
  const lat = typeof location.latitude === 'number' ? location.latitude : null;
  const lng = typeof location.longitude === 'number' ? location.longitude : null;
  return (
    <div className="msg-location">
      <p className="msg-text">
        <span aria-hidden="true">📍 </span>
        <strong>{name ?? t('msg.location')}</strong>
        {address && <span className="msg-sub">{address}</span>}
      </p>
      {lat !== null && lng !== null && (
        <a href={`https://www.google.com/maps?q=${lat},${lng}`} target="_blank" rel="noopener noreferrer">
          {t('msg.openMap')}
        </a>
      )}
    </div>
  );
}

function ContactsView({ message, t }: MessageContentProps) {
  const contacts = asList(attributesOf(message).contacts);
  return (
    <ul className="msg-contacts" aria-label={t('msg.sharedContact')}>
      {contacts.map((contact, index) => {
        const name = asText(asRecord(contact.name).formatted_name) ?? asText(asRecord(contact.name).first_name) ?? '—';
        const phones = asList(contact.phones)
          .map((phone) => asText(phone.phone) ?? asText(phone.wa_id))
          .filter((phone): phone is string => phone !== null);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list never changes
          <li key={index}>
            <span aria-hidden="true">👤 </span>
            <strong>{name}</strong>
            {phones.map((phone) => (
              <span key={phone} className="msg-sub">
                {phone}
              </span>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

function OrderView({ message, t }: MessageContentProps) {
  const order = asRecord(attributesOf(message).order);
  const items = asList(order.product_items);
  const currency = asText(items[0]?.currency) ?? 'BRL';
  const total = items.reduce((sum, item) => sum + Number(item.item_price ?? 0) * Number(item.quantity ?? 1), 0);
  let totalText = String(total);
  try {
    totalText = new Intl.NumberFormat('pt-BR', { style: 'currency', currency }).format(total);
  } catch {
    // an unknown currency code: the bare number
  }
  return (
    <div className="msg-order">
      <p className="msg-label">
        🛒 {t('msg.order')} · {t('msg.orderItems', { count: items.length })} · {totalText}
      </p>
      <ul>
        {items.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the list never changes
          <li key={index}>
            {asText(item.quantity) ?? '1'} × {asText(item.product_retailer_id) ?? '—'}
          </li>
        ))}
      </ul>
      {asText(order.text) && <LinkifiedText text={asText(order.text) ?? ''} />}
    </div>
  );
}

function InteractiveReplyView({ message, t }: MessageContentProps) {
  const interactive = asRecord(attributesOf(message).interactive);
  const kind = asText(interactive.type);
  const label =
    kind === 'list_reply' ? t('msg.listReply') : kind === 'nfm_reply' ? t('msg.formReply') : t('msg.buttonReply');
  const title = asText(interactive.title) ?? message.content ?? '';
  const response = asRecord(interactive.response);
  const answers = Object.entries(response).filter(([key]) => key !== 'flow_token');
  return (
    <div className="msg-interactive">
      <p className="msg-label">{label}</p>
      <p className="msg-text msg-choice">{title}</p>
      {asText(interactive.description) && <p className="msg-sub">{asText(interactive.description)}</p>}
      {answers.length > 0 && (
        <dl className="msg-answers">
          {answers.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** Buttons or list rows the business sent (Chatwoot's input_select). */
function OptionsSent({ message, t }: MessageContentProps) {
  const interactive = asRecord(attributesOf(message).interactive);
  const buttons = asList(interactive.buttons).map((button) => asText(button.title));
  const rows = asList(interactive.sections).flatMap((section) => asList(section.rows).map((row) => asText(row.title)));
  const options = [...buttons, ...rows].filter((title): title is string => title !== null);
  if (options.length === 0) return null;
  return (
    <ul className="msg-options" aria-label={t('msg.options')}>
      {options.map((title) => (
        <li key={title}>{title}</li>
      ))}
    </ul>
  );
}

function TemplateLabel({ message, t }: MessageContentProps) {
  const template = asRecord(attributesOf(message).template);
  const name = asText(template.name);
  if (!name) return null;
  return <p className="msg-label">📋 {t('msg.template', { name })}</p>;
}

/** Template body parameters when the rendered text is not known. */
function templateParameters(message: Message): string[] {
  const components = asList(asRecord(attributesOf(message).template).components);
  return components.flatMap((component) =>
    asList(component.parameters)
      .map((parameter) => asText(parameter.text))
      .filter((text): text is string => text !== null),
  );
}

function ReferralView({ message, t }: MessageContentProps) {
  const referral = asRecord(attributesOf(message).referral);
  const headline = asText(referral.headline);
  const url = asText(referral.source_url);
  const safeUrl = url && /^https?:\/\//i.test(url) ? url : null;
  return (
    <div className="msg-referral">
      <p className="msg-label">📣 {t('msg.referral')}</p>
      {headline && <strong>{headline}</strong>}
      {asText(referral.body) && <p className="msg-sub">{asText(referral.body)}</p>}
      {safeUrl && (
        <a href={safeUrl} target="_blank" rel="noopener noreferrer">
          {t('msg.openAd')}
        </a>
      )}
    </div>
  );
}

/** The body of one message, whatever WhatsApp type it is. Content is always rendered as text. */
export function MessageContent(props: MessageContentProps): ReactNode {
  const { message, t } = props;
  if (isDeleted(message)) return <p className="msg-text msg-deleted">🚫 {t('msg.deleted')}</p>;
  const attributes = attributesOf(message);
  const text = message.content ?? '';
  const parts: ReactNode[] = [];
  if (attributes.referral) parts.push(<ReferralView key="referral" {...props} />);
  if (attributes.template) parts.push(<TemplateLabel key="template" {...props} />);
  for (const attachment of message.attachments) {
    parts.push(<AttachmentView key={`a${attachment.id}`} attachment={attachment} {...props} />);
  }
  switch (message.content_type) {
    case 'location':
      parts.push(<LocationView key="location" {...props} />);
      return parts;
    case 'contacts':
      parts.push(<ContactsView key="contacts" {...props} />);
      return parts;
    case 'order':
      parts.push(<OrderView key="order" {...props} />);
      return parts;
    case 'interactive_reply':
      parts.push(<InteractiveReplyView key="reply" {...props} />);
      return parts;
    case 'button_reply':
      parts.push(
        <div key="button" className="msg-interactive">
          <p className="msg-label">{t('msg.quickReply')}</p>
          <p className="msg-text msg-choice">{asText(asRecord(attributes.button).text) ?? text}</p>
        </div>,
      );
      return parts;
    case 'unsupported':
      parts.push(
        <p key="unsupported" className="msg-text msg-unsupported">
          {t('msg.unsupported')}
          {asText(attributes.whatsapp_type) ? ` (${asText(attributes.whatsapp_type)})` : ''}
        </p>,
      );
      return parts;
    case 'system':
      parts.push(
        <p key="system" className="msg-text msg-system">
          ℹ️ {t('msg.system')}: {text}
        </p>,
      );
      return parts;
    default:
      break;
  }
  if (text) parts.push(<LinkifiedText key="text" text={text} />);
  else if (attributes.template) {
    const parameters = templateParameters(message);
    if (parameters.length)
      parts.push(
        <p key="params" className="msg-text">
          {parameters.join(' · ')}
        </p>,
      );
  }
  if (message.content_type === 'input_select') parts.push(<OptionsSent key="options" {...props} />);
  return parts;
}
