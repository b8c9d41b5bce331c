import { useCallback, useMemo, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { formatDateTime, formatMoney } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import { errorMessage } from '../../settings/ui/errors';
import { useLoad } from '../../settings/ui/use-load';
import { ActivityForm } from '../activities/ActivityForm';
import { ActivityItem } from '../activities/TasksPage';
import { ClientForm } from '../clients/ClientForm';
import { type Client, crmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { EventForm } from '../events/EventForm';
import { DealForm } from '../pipeline/DealForm';
import { providerFormMessages } from '../providers/provider-form.messages';
import { Dialog } from '../ui/Dialog';
import { Timeline } from './Timeline';
import '../../settings/settings.css';
import '../crm.css';

export interface CrmContact {
  id: number;
  name: string;
  phone_number: string | null;
  email: string | null;
}

type Creating = 'client' | 'event' | 'deal' | 'activity' | null;

/** POST /clients answers 409 with `details: [{client_id}]` when the person is already a client. */
function existingClientId(caught: unknown): number | null {
  if (!(caught instanceof ApiError) || caught.status !== 409 || !Array.isArray(caught.details)) return null;
  const detail = caught.details.find((item) => item && typeof item === 'object' && 'client_id' in item) as
    | { client_id?: unknown }
    | undefined;
  return typeof detail?.client_id === 'number' ? detail.client_id : null;
}

/**
 * Beside a conversation: the person's CRM — client profile, upcoming events, deals, tasks and the
 * timeline — with "Criar cliente", "Novo evento", "Novo negócio" and "Nova tarefa" pre-filled from the contact.
 */
export function ContactCrmSection({
  accountId,
  contact,
  conversationId,
}: {
  accountId: number;
  contact: CrmContact;
  conversationId?: number;
}) {
  const t = useModuleMessages(crmMessages);
  const providerText = useModuleMessages(providerFormMessages);
  const api = useMemo(() => crmApi(accountId), [accountId]);
  const [creating, setCreating] = useState<Creating>(null);
  const [version, setVersion] = useState(0);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const displayName = contact.name || contact.phone_number || t('contact.someone');

  const contactId = contact.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` reloads after something was created
  const load = useCallback(async () => {
    const [client, provider, deals, activities, stages] = await Promise.all([
      api.clients.ofContact(contactId),
      api.providers.ofContact(contactId).catch(() => null),
      api.deals.list({ contact_id: contactId }),
      api.activities.list({ contact_id: contactId, done: false }),
      api.stages.list().catch(() => []),
    ]);
    const events = client
      ? (await api.events.list({ client_id: client.id, from: new Date().toISOString(), per_page: 10 })).payload
      : [];
    return { client, provider, deals: deals.payload, activities: activities.payload, stages, events };
  }, [api, contactId, version]);
  const crm = useLoad(load, t('genericError'));
  const client = crm.data?.client ?? null;

  const created = () => {
    setCreating(null);
    setVersion((current) => current + 1);
  };

  // A retry after the event failed finds the client made on the first try (409 names it) instead of failing.
  const createClient = async (): Promise<Client> => {
    try {
      return await api.clients.create({
        name: contact.name || contact.phone_number || '',
        phone_number: contact.phone_number ?? '',
        ...(contact.email ? { email: contact.email } : {}),
      });
    } catch (caught) {
      const existing = existingClientId(caught);
      if (existing) return api.clients.get(existing);
      throw caught;
    }
  };

  async function toggle(activityId: number, done: boolean) {
    setBusy(activityId);
    setError(null);
    const mark = (value: boolean) =>
      crm.setData((current) =>
        current
          ? {
              ...current,
              activities: current.activities.map((item) => (item.id === activityId ? { ...item, done: value } : item)),
            }
          : current,
      );
    mark(done);
    try {
      await api.activities.setDone(activityId, done);
      setVersion((current) => current + 1);
    } catch (caught) {
      mark(!done);
      setError(errorMessage(caught, t('genericError')));
    } finally {
      setBusy(null);
    }
  }

  const stageName = (stageId: number) => crm.data?.stages.find((stage) => stage.id === stageId)?.name ?? '';
  const conversationTitle = conversationId ? t('contact.fromConversation', { id: conversationId }) : '';

  return (
    <section className="crm-contact" aria-labelledby={`crm-contact-${contact.id}`}>
      <h3 id={`crm-contact-${contact.id}`}>{t('contact.title')}</h3>
      {crm.data && (
        <p className="crm-contact-profile">
          {client ? (
            <span className="settings-badge good">{t('contact.isClient')}</span>
          ) : (
            <span className="muted">{t('contact.notClient')}</span>
          )}
          {crm.data.provider && (
            <>
              {' '}
              <Link to={`/prestadores/${crm.data.provider.id}`} className="settings-badge">
                {providerText('isProvider')}
              </Link>
            </>
          )}
        </p>
      )}
      <div className="crm-contact-actions">
        {crm.data && !client && (
          <button type="button" className="secondary small" onClick={() => setCreating('client')}>
            {t('contact.createClient')}
          </button>
        )}
        <button type="button" className="secondary small" disabled={!crm.data} onClick={() => setCreating('event')}>
          {t('events.new')}
        </button>
        <button type="button" className="secondary small" disabled={!crm.data} onClick={() => setCreating('deal')}>
          {t('deal.new')}
        </button>
        <button type="button" className="secondary small" disabled={!crm.data} onClick={() => setCreating('activity')}>
          {t('activity.new')}
        </button>
      </div>
      {crm.error && (
        <div className="form-error" role="alert">
          <p>{crm.error}</p>
          <button type="button" className="secondary small" onClick={() => void crm.reload()}>
            {t('retry')}
          </button>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {crm.data === null && !crm.error && <p className="muted">{t('loading')}</p>}
      {crm.data && (
        <>
          <section className="crm-contact-block" aria-labelledby={`crm-events-${contact.id}`}>
            <h3 id={`crm-events-${contact.id}`}>{t('contact.events')}</h3>
            {crm.data.events.length === 0 ? (
              <p className="muted">{t('contact.noEvents')}</p>
            ) : (
              <ul className="crm-list">
                {crm.data.events.map((event) => (
                  <li key={event.id}>
                    <Link to={`/eventos/${event.id}`}>{event.title}</Link>
                    <span className="muted">
                      {' '}
                      · {formatDateTime(new Date(event.starts_at))} · {t(`event.${event.status}`)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="crm-contact-block" aria-labelledby={`crm-deals-${contact.id}`}>
            <h3 id={`crm-deals-${contact.id}`}>{t('contact.deals')}</h3>
            {crm.data.deals.length === 0 ? (
              <p className="muted">{t('contact.noDeals')}</p>
            ) : (
              <ul className="crm-list">
                {crm.data.deals.map((deal) => (
                  <li key={deal.id}>
                    <Link to="/funil">{deal.title}</Link>
                    <span className="muted">
                      {' '}
                      · {stageName(deal.stage_id)}
                      {deal.value_cents !== null && ` · ${formatMoney(deal.value_cents)}`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="crm-contact-block" aria-labelledby={`crm-tasks-${contact.id}`}>
            <h3 id={`crm-tasks-${contact.id}`}>{t('contact.tasks')}</h3>
            {crm.data.activities.length === 0 ? (
              <p className="muted">{t('contact.noTasks')}</p>
            ) : (
              <ul className="crm-tasks">
                {crm.data.activities.map((activity) => (
                  <ActivityItem
                    key={activity.id}
                    activity={activity}
                    busy={busy === activity.id}
                    onToggle={(done) => void toggle(activity.id, done)}
                  />
                ))}
              </ul>
            )}
          </section>
          <Timeline api={api} contactId={contact.id} version={version} />
        </>
      )}
      {creating === 'client' && (
        <Dialog title={t('contact.createClient')} onClose={() => setCreating(null)} wide>
          <ClientForm
            api={api}
            client={null}
            prefill={{ name: contact.name, phone_number: contact.phone_number, email: contact.email }}
            onCancel={() => setCreating(null)}
            onSaved={created}
          />
        </Dialog>
      )}
      {creating === 'event' && (
        <Dialog title={t('events.new')} onClose={() => setCreating(null)} wide>
          <EventForm
            api={api}
            client={client}
            {...(client ? {} : { createClient, pendingClientName: displayName })}
            {...(conversationId ? { conversationId } : {})}
            defaultTitle={t('contact.eventTitle', { name: displayName })}
            onCancel={() => setCreating(null)}
            onSaved={created}
          />
        </Dialog>
      )}
      {creating === 'deal' && (
        <Dialog title={t('deal.new')} onClose={() => setCreating(null)}>
          <DealForm
            api={api}
            contact={{ id: contact.id, name: displayName }}
            {...(conversationId ? { conversationId } : {})}
            defaultTitle={conversationTitle ? `${displayName} — ${conversationTitle}` : displayName}
            onCancel={() => setCreating(null)}
            onSaved={created}
          />
        </Dialog>
      )}
      {creating === 'activity' && (
        <Dialog title={t('activity.new')} onClose={() => setCreating(null)}>
          <ActivityForm
            api={api}
            contact={{ id: contact.id, name: displayName }}
            defaultTitle={t('contact.taskTitle', { name: displayName })}
            onCancel={() => setCreating(null)}
            onSaved={created}
          />
        </Dialog>
      )}
    </section>
  );
}
