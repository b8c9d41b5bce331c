import { useCallback, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { dayOf, formatDateTime, formatMoney, formatTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link, navigate } from '../../../shared/router';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
import { errorMessage } from '../../settings/ui/errors';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { CrmApi, CrmEvent, EventLocation, EventStatus } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { AssignProviderDialog } from './AssignProviderDialog';
import { DispatchPanel } from './dispatch/DispatchPanel';
import { EventForm } from './EventForm';

const HOLDING = new Set(['assigned', 'offered', 'accepted']);

/** The next steps an event can take from its status. */
export function nextStatuses(status: EventStatus): EventStatus[] {
  if (status === 'scheduled') return ['confirmed', 'cancelled'];
  if (status === 'confirmed') return ['done', 'cancelled'];
  return [];
}

/** "Rua A, 10 — Centro, São Paulo/SP". */
export function formatLocation(location: EventLocation): string {
  const street = [location.address, location.number].filter(Boolean).join(', ');
  const place = [location.district, [location.city, location.state].filter(Boolean).join('/')]
    .filter(Boolean)
    .join(', ');
  return [street, place].filter(Boolean).join(' — ');
}

/** "07/06/2025 19:00 – 23:00" (or both dates when it runs past midnight). */
export function formatSpan(event: Pick<CrmEvent, 'starts_at' | 'ends_at'>): string {
  const starts = new Date(event.starts_at);
  const ends = new Date(event.ends_at);
  return dayOf(starts) === dayOf(ends)
    ? `${formatDateTime(starts)} – ${formatTime(ends)}`
    : `${formatDateTime(starts)} – ${formatDateTime(ends)}`;
}

/** /eventos/:id: client, time, place, value, staffing (needed vs filled), assignments and actions. */
export function EventPage({
  api,
  accountId,
  eventId,
  isAdmin,
}: {
  api: CrmApi;
  /** For the dispatch panel's own calls and its realtime stream. */
  accountId: number;
  eventId: number;
  isAdmin: boolean;
}) {
  const t = useModuleMessages(crmMessages);
  const load = useCallback(() => api.events.get(eventId), [api, eventId]);
  const loaded = useLoad(load, t('genericError'));
  const [dialog, setDialog] = useState<'assign' | 'edit' | 'cancel' | 'delete' | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  // Deleting an event with history is refused (409): the API's sentence, and cancelling offered instead.
  const [deleteRefused, setDeleteRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
      await loaded.reload();
    } catch (caught) {
      setActionError(errorMessage(caught, t('genericError')));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <Link to="/eventos" className="crm-back">
        ← {t('events.back')}
      </Link>
      <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
        {(event) => {
          const location = formatLocation(event.location);
          const active = event.assignments.filter((item) => HOLDING.has(item.status));
          const past = event.assignments.filter((item) => !HOLDING.has(item.status));
          const open = event.status === 'scheduled' || event.status === 'confirmed';
          return (
            <>
              <header className="crm-heading">
                <div>
                  <h1 id="crm-title">{event.title}</h1>
                  <p className="muted">{formatSpan(event)}</p>
                </div>
                <span className={`crm-status crm-event-${event.status}`} data-testid="event-status">
                  {t(`event.${event.status}`)}
                </span>
              </header>
              <div className="crm-actions-bar">
                {open && (
                  <button type="button" className="primary" onClick={() => setDialog('assign')}>
                    {t('assign.open')}
                  </button>
                )}
                <button type="button" className="secondary" onClick={() => setDialog('edit')} disabled={!open}>
                  {t('edit')}
                </button>
                {nextStatuses(event.status).map((status) =>
                  status === 'cancelled' ? (
                    <button
                      key={status}
                      type="button"
                      className="secondary crm-danger"
                      onClick={() => setDialog('cancel')}
                    >
                      {t('event.cancel')}
                    </button>
                  ) : (
                    <button
                      key={status}
                      type="button"
                      className="secondary"
                      disabled={busy}
                      onClick={() => void run(() => api.events.update(event.id, { status }))}
                    >
                      {t(`event.to.${status as 'confirmed' | 'done'}`)}
                    </button>
                  ),
                )}
                {isAdmin && (
                  <button
                    type="button"
                    className="secondary crm-danger"
                    onClick={() => {
                      setDeleteRefused(null);
                      setDialog('delete');
                    }}
                  >
                    {t('event.delete')}
                  </button>
                )}
              </div>
              {actionError && (
                <p role="alert" className="settings-alert">
                  {actionError}
                </p>
              )}
              {deleteRefused && (
                <div role="alert" className="settings-alert crm-refusal">
                  <p>{deleteRefused}</p>
                  {open && (
                    <button type="button" className="secondary crm-danger" onClick={() => setDialog('cancel')}>
                      {t('event.cancelInstead')}
                    </button>
                  )}
                </div>
              )}
              <div className="crm-columns">
                <section className="crm-card" aria-labelledby="event-details">
                  <h2 id="event-details">{t('event.details')}</h2>
                  <dl className="crm-facts crm-facts-stacked">
                    <div>
                      <dt>{t('event.client')}</dt>
                      <dd>
                        {event.client.name}
                        {event.client.phone_number && <span className="muted"> · {event.client.phone_number}</span>}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('event.location')}</dt>
                      <dd>{location || '—'}</dd>
                    </div>
                    <div>
                      <dt>{t('event.value')}</dt>
                      <dd>{event.value_cents === null ? '—' : formatMoney(event.value_cents)}</dd>
                    </div>
                    {event.service_type && (
                      <div>
                        <dt>{t('event.serviceType')}</dt>
                        <dd>{event.service_type.name}</dd>
                      </div>
                    )}
                    <div>
                      <dt>{t('event.conversation')}</dt>
                      <dd>
                        {event.conversation_id ? (
                          <Link to={`/conversas/${event.conversation_id}`}>
                            {t('event.conversationLink', { id: event.conversation_id })}
                          </Link>
                        ) : (
                          '—'
                        )}
                      </dd>
                    </div>
                  </dl>
                  {event.notes && <p className="crm-notes">{event.notes}</p>}
                </section>
                <section className="crm-card" aria-labelledby="event-staffing">
                  <h2 id="event-staffing">{t('staffing.title')}</h2>
                  {event.staffing.length === 0 ? (
                    <p className="muted">{t('staffing.none')}</p>
                  ) : (
                    <table className="settings-table">
                      <thead>
                        <tr>
                          <th scope="col">{t('assign.service')}</th>
                          <th scope="col">{t('staffing.needed')}</th>
                          <th scope="col">{t('staffing.filled')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {event.staffing.map((line) => (
                          <tr
                            key={line.service}
                            className={line.filled >= line.quantity ? 'crm-staffed' : 'crm-understaffed'}
                          >
                            <td>{line.service}</td>
                            <td>{line.quantity}</td>
                            <td>
                              {line.filled}
                              <span className="visually-hidden">
                                {line.filled >= line.quantity ? ` ${t('staffing.complete')}` : ''}
                              </span>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </section>
                <section className="crm-card" aria-labelledby="event-assignments">
                  <h2 id="event-assignments">{t('assignments.title')}</h2>
                  {active.length === 0 ? (
                    <p className="muted">{t('assignments.none')}</p>
                  ) : (
                    <ul className="crm-list" aria-label={t('assignments.title')}>
                      {active.map((assignment) => (
                        <li key={assignment.id} className="crm-assignment">
                          <span>
                            <Link to={`/prestadores/${assignment.provider_id}`}>{assignment.provider_name}</Link>
                            <span className="muted"> · {assignment.service}</span>
                          </span>
                          <span className={`crm-status crm-assignment-${assignment.status}`}>
                            {t(`assignment.${assignment.status}`)}
                          </span>
                          {open && (
                            <button
                              type="button"
                              className="secondary small"
                              disabled={busy}
                              aria-label={t('assignments.withdrawOf', { name: assignment.provider_name })}
                              onClick={() => void run(() => api.events.withdraw(event.id, assignment.id))}
                            >
                              {t('assignments.withdraw')}
                            </button>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                  {past.length > 0 && (
                    <details className="crm-past">
                      <summary>{t('assignments.past', { count: past.length })}</summary>
                      <ul className="crm-list">
                        {past.map((assignment) => (
                          <li key={assignment.id}>
                            {assignment.provider_name} <span className="muted">· {assignment.service}</span>{' '}
                            <span className={`crm-status crm-assignment-${assignment.status}`}>
                              {t(`assignment.${assignment.status}`)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </section>
              </div>
              <DispatchPanel accountId={accountId} event={event} onChanged={() => void loaded.reload()} />
              {dialog === 'assign' && (
                <AssignProviderDialog
                  api={api}
                  event={event}
                  onClose={() => setDialog(null)}
                  onAssigned={() => {
                    setDialog(null);
                    void loaded.reload();
                  }}
                />
              )}
              {dialog === 'edit' && (
                <Dialog title={t('events.edit', { title: event.title })} onClose={() => setDialog(null)} wide>
                  <EventForm
                    api={api}
                    event={event}
                    onCancel={() => setDialog(null)}
                    onSaved={(saved) => {
                      setDialog(null);
                      loaded.setData(() => saved);
                    }}
                  />
                </Dialog>
              )}
              {dialog === 'cancel' && (
                <ConfirmDialog
                  message={t('event.cancelConfirm', { title: event.title })}
                  detail={t('event.cancelDetail')}
                  confirmLabel={t('event.cancel')}
                  onConfirm={async () => {
                    await api.events.update(event.id, { status: 'cancelled' });
                    setDeleteRefused(null);
                    await loaded.reload();
                  }}
                  onClose={() => setDialog(null)}
                />
              )}
              {dialog === 'delete' && (
                <ConfirmDialog
                  message={t('event.deleteConfirm', { title: event.title })}
                  detail={t('event.deleteDetail')}
                  confirmLabel={t('event.delete')}
                  onConfirm={async () => {
                    try {
                      await api.events.remove(event.id);
                    } catch (caught) {
                      if (!(caught instanceof ApiError && caught.status === 409)) throw caught;
                      setDeleteRefused(caught.message);
                      return;
                    }
                    navigate('/eventos');
                  }}
                  onClose={() => setDialog(null)}
                />
              )}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
