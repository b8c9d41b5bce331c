import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiRequest } from '../../../shared/api-client';
import { formatListTime, toDate } from '../../../shared/format';
import { Link } from '../../../shared/router';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
// The confirmation dialog's styles (shared with the settings, CRM and notification screens).
import '../../settings/settings.css';
import { type Contact, type Conversation, getContact, listContactConversations, listContactLabels } from '../inbox.api';
import { useInboxEvents } from '../inbox-events';
import { initialsOf } from '../list/ConversationRow';
import type { InboxT } from '../messages/message-kinds';
import { ConsentsSection } from './ConsentsSection';
import { ContactCrmSlot } from './ContactCrmSlot';
import { CustomAttributes } from './CustomAttributes';

/** Beside the conversation: who the contact is, their attributes and their other conversations. */
export function ContactPanel({
  accountId,
  conversation,
  isAdmin,
  onClose,
  onContactDeleted,
  t,
}: {
  accountId: number;
  conversation: Conversation;
  isAdmin: boolean;
  onClose(): void;
  /** The administrator erased the person: their conversations are gone. */
  onContactDeleted(): void;
  t: InboxT;
}) {
  const contactId = conversation.meta.sender.id;
  const [contact, setContact] = useState<Contact>(conversation.meta.sender);
  const [labels, setLabels] = useState<string[] | null>(null);
  const [others, setOthers] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [fresh, contactLabels, conversations] = await Promise.all([
        getContact(accountId, contactId),
        listContactLabels(accountId, contactId),
        listContactConversations(accountId, contactId),
      ]);
      setContact(fresh);
      setLabels(contactLabels);
      setOthers(conversations);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('common.error'));
    }
  }, [accountId, contactId, t]);

  useEffect(() => {
    void load();
  }, [load]);

  useInboxEvents((event) => {
    if (
      event.name === 'resync' ||
      ('data' in event && event.name === 'contact.updated' && event.data.id === contactId)
    ) {
      void load();
    }
  });

  const otherConversations = (others ?? []).filter((item) => item.id !== conversation.id);
  return (
    <aside className="contact-panel" aria-label={t('contact.title')}>
      <div className="contact-panel-head">
        <span className="avatar avatar-large" aria-hidden="true">
          {initialsOf(contact.name || contact.phone_number || '?')}
        </span>
        <div>
          <h2>{contact.name || contact.phone_number}</h2>
          <button type="button" className="link-button contact-close" onClick={onClose}>
            {t('contact.hide')}
          </button>
        </div>
      </div>
      <dl className="contact-fields">
        <div>
          <dt>{t('contact.phone')}</dt>
          <dd>{contact.phone_number ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('contact.email')}</dt>
          <dd>{contact.email ?? '—'}</dd>
        </div>
      </dl>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <section>
        <h3>{t('contact.labels')}</h3>
        {labels === null ? (
          <p className="muted">{t('list.loading')}</p>
        ) : labels.length === 0 ? (
          <p className="muted">{t('contact.noLabels')}</p>
        ) : (
          <ul className="chips">
            {labels.map((label) => (
              <li key={label} className="chip">
                {label}
              </li>
            ))}
          </ul>
        )}
      </section>
      <CustomAttributes accountId={accountId} contact={contact} onSaved={setContact} t={t} />
      <ConsentsSection key={contactId} accountId={accountId} contactId={contactId} />
      {isAdmin && <PersonalDataSection accountId={accountId} contact={contact} onDeleted={onContactDeleted} t={t} />}
      <section>
        <h3>{t('contact.otherConversations')}</h3>
        {others === null ? (
          <p className="muted">{t('list.loading')}</p>
        ) : otherConversations.length === 0 ? (
          <p className="muted">{t('contact.noOtherConversations')}</p>
        ) : (
          <ul className="contact-conversations">
            {otherConversations.map((item) => {
              const time = toDate(item.last_activity_at);
              return (
                <li key={item.id}>
                  <Link to={`/conversas/${item.id}`}>
                    {t('contact.conversationLink', { id: item.id, status: t(`status.${item.status}`) })}
                  </Link>
                  {time && <span className="muted"> · {formatListTime(time)}</span>}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <ContactCrmSlot accountId={accountId} contact={contact} conversationId={conversation.id} />
    </aside>
  );
}

/**
 * LGPD, for administrators: the person's data as one JSON file (GET /contacts/:id/export, audited), and
 * the person's erasure (DELETE /contacts/:id: conversations, messages, files and stored webhooks go).
 */
export function PersonalDataSection({
  accountId,
  contact,
  onDeleted,
  t,
}: {
  accountId: number;
  contact: Pick<Contact, 'id' | 'name' | 'phone_number'>;
  onDeleted(): void;
  t: InboxT;
}) {
  const [confirming, setConfirming] = useState(false);
  return (
    <section aria-labelledby="personal-data-title">
      <h3 id="personal-data-title">{t('contact.personalData')}</h3>
      <p>
        <a href={`/api/v1/accounts/${accountId}/contacts/${contact.id}/export`} download>
          {t('contact.exportData')}
        </a>
      </p>
      <p className="muted">{t('contact.exportHint')}</p>
      <p>
        <button type="button" className="link-button danger-link" onClick={() => setConfirming(true)}>
          {t('contact.erase')}
        </button>
      </p>
      {confirming && (
        <ConfirmDialog
          message={t('contact.eraseConfirm', { name: contact.name || contact.phone_number || `#${contact.id}` })}
          detail={t('contact.eraseDetail')}
          confirmLabel={t('contact.eraseButton')}
          onConfirm={async () => {
            await apiRequest('DELETE', `/api/v1/accounts/${accountId}/contacts/${contact.id}`);
            onDeleted();
          }}
          onClose={() => setConfirming(false)}
        />
      )}
    </section>
  );
}
