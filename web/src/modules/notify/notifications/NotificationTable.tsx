import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import type { Notification } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { reasonSentence } from '../reasons';

const at = (iso: string) => formatDateTime(new Date(iso));

/**
 * Notifications as a table: when (São Paulo time), to whom, what, through which channel, how it went and
 * why. Every value is rendered as text. `showEvent` adds the event column (the event page leaves it out).
 */
export function NotificationTable({
  notifications,
  label,
  showEvent = true,
}: {
  notifications: Notification[];
  label: string;
  showEvent?: boolean;
}) {
  const t = useModuleMessages(notifyMessages);
  return (
    <div className="notify-scroll">
      <table className="settings-table notify-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">{t('col.when')}</th>
            <th scope="col">{t('col.to')}</th>
            <th scope="col">{t('col.kind')}</th>
            {showEvent && <th scope="col">{t('col.event')}</th>}
            <th scope="col">{t('col.channel')}</th>
            <th scope="col">{t('col.status')}</th>
            <th scope="col">{t('col.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {notifications.map((notification) => {
            const reason = reasonSentence(notification.reason);
            return (
              <tr key={notification.id} data-status={notification.status}>
                <td>
                  <span>{t('dueAt', { at: at(notification.due_at) })}</span>
                  {notification.original_due_at && notification.original_due_at !== notification.due_at && (
                    <span className="muted notify-sub">{t('movedFrom', { at: at(notification.original_due_at) })}</span>
                  )}
                  {notification.sent_at && (
                    <span className="muted notify-sub">{t('sentAt', { at: at(notification.sent_at) })}</span>
                  )}
                  {notification.lateness_ms !== null && notification.lateness_ms >= 60_000 && (
                    <span className="muted notify-sub">
                      {t('late', { minutes: Math.round(notification.lateness_ms / 60_000) })}
                    </span>
                  )}
                </td>
                <td>
                  {notification.conversation_id ? (
                    <Link
                      to={`/conversas/${notification.conversation_id}`}
                      aria-label={t('conversationLink', { name: notification.contact_name })}
                    >
                      {notification.contact_name}
                    </Link>
                  ) : (
                    notification.contact_name
                  )}
                </td>
                <td>
                  {t(`kind.${notification.kind}`)}
                  {notification.essential && <span className="settings-badge">{t('essential')}</span>}
                </td>
                {showEvent && (
                  <td>
                    {notification.event_id ? (
                      <Link to={`/eventos/${notification.event_id}`}>
                        {t('eventLink', { id: notification.event_id })}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                )}
                <td>{notification.channel ? t(`channel.${notification.channel}`) : t('channel.none')}</td>
                <td>
                  <span className={`notify-status notify-status-${notification.status}`}>
                    {t(`status.${notification.status}`)}
                  </span>
                </td>
                <td className="notify-reason">{reason ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
