import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useModuleMessages } from '../../../../shared/i18n';
import { type AccountEvent, useAccountEvents } from '../../../../shared/realtime';
import { NotificationTable } from '../../../notify/notifications/NotificationTable';
import { errorMessage } from '../../../settings/ui/errors';
import type { CrmEvent } from '../../crm.api';
import { crmMessages } from '../../crm.messages';
import { DispatchForm } from './DispatchForm';
import { DispatchList } from './DispatchList';
import { type Dispatch, dispatchApi } from './dispatch.api';
import { dispatchMessages } from './dispatch.messages';
import '../../../notify/notify.css';

/** What moves the panel: offers answered or expired, dispatches advancing, the event itself changing. */
export const DISPATCH_EVENT_NAMES = [
  'dispatch.updated',
  'assignment.updated',
  'assignment.created',
  'assignment.withdrawn',
  'event.updated',
  'notification.updated',
];
// Reminders are scheduled by a background job after a change: the list also refreshes now and then.
const NOTIFICATIONS_REFRESH_MS = 15_000;
const COALESCE_MS = 250;

/** Whether a realtime event concerns this event (`assignment.*` and `dispatch.*` carry event_id). */
export function concernsEvent(message: AccountEvent, eventId: number): boolean {
  const data = message.data ?? {};
  if (message.event.startsWith('event.')) return data.id === eventId;
  if (message.event === 'notification.updated') return true;
  return data.event_id === eventId;
}

/**
 * The event page's "Despachar" panel: start a dispatch for a service, follow each provider's answer
 * live (SSE), cancel it, and see the event's reminders and messages with their due time in São Paulo.
 * `onChanged` lets the page reload its staffing and assignments when an answer arrives.
 */
export function DispatchPanel({
  accountId,
  event,
  onChanged,
}: {
  accountId: number;
  event: Pick<CrmEvent, 'id' | 'status' | 'staffing'>;
  onChanged: () => void;
}) {
  const t = useModuleMessages(dispatchMessages);
  const crm = useModuleMessages(crmMessages);
  const api = useMemo(() => dispatchApi(accountId), [accountId]);
  const [dispatches, setDispatches] = useState<Dispatch[] | null>(null);
  const [notifications, setNotifications] = useState<Awaited<ReturnType<typeof api.notifications>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const changed = useRef(onChanged);
  changed.current = onChanged;

  const refresh = useCallback(async () => {
    try {
      const [list, sends] = await Promise.all([api.list(event.id), api.notifications(event.id)]);
      setDispatches(list);
      setNotifications(sends);
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught, crm('genericError')));
    }
  }, [api, event.id, crm]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, NOTIFICATIONS_REFRESH_MS);
    return () => {
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [refresh]);

  // A burst of events (an answer withdraws the other offers) reloads once.
  const soon = useCallback(
    (alsoPage: boolean) => {
      if (pending.current) clearTimeout(pending.current);
      pending.current = setTimeout(() => {
        pending.current = null;
        void refresh();
        if (alsoPage) changed.current();
      }, COALESCE_MS);
    },
    [refresh],
  );

  const stream = useAccountEvents(
    accountId,
    (message) => {
      if (concernsEvent(message, event.id))
        soon(!message.event.startsWith('event.') && message.event !== 'notification.updated');
    },
    () => soon(true),
    DISPATCH_EVENT_NAMES,
  );

  async function cancel(dispatch: Dispatch) {
    setBusy(true);
    setError(null);
    try {
      await api.cancel(dispatch.id);
      await refresh();
      changed.current();
    } catch (caught) {
      setError(errorMessage(caught, crm('genericError')));
    } finally {
      setBusy(false);
    }
  }

  const open = event.status === 'scheduled' || event.status === 'confirmed';
  return (
    <section className="crm-card dispatch-panel" aria-labelledby="dispatch-title">
      <div className="dispatch-head">
        <h2 id="dispatch-title">{t('title')}</h2>
        <span className="muted" role="status">
          {stream === 'reconnecting' ? t('reconnecting') : stream === 'open' ? t('live') : ''}
        </span>
      </div>
      <p className="muted">{t('intro')}</p>
      {open && (
        <DispatchForm
          api={api}
          eventId={event.id}
          staffing={event.staffing}
          onStarted={(started) => {
            setDispatches((current) => [started, ...(current ?? []).filter((item) => item.id !== started.id)]);
            changed.current();
          }}
        />
      )}
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <h3>{t('dispatches')}</h3>
      {dispatches === null ? (
        <p className="muted">{crm('loading')}</p>
      ) : (
        <DispatchList dispatches={dispatches} busy={busy} onCancel={(dispatch) => void cancel(dispatch)} />
      )}
      <h3>{t('notifications')}</h3>
      {notifications === null ? (
        <p className="muted">{crm('loading')}</p>
      ) : notifications.length === 0 ? (
        <p className="muted">{t('notificationsEmpty')}</p>
      ) : (
        <NotificationTable notifications={notifications} label={t('notifications')} showEvent={false} />
      )}
    </section>
  );
}
