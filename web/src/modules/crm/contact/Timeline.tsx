import { useCallback, useEffect, useState } from 'react';
import { formatListTime, formatMoney } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import { errorMessage } from '../../settings/ui/errors';
import type { AssignmentStatus, CrmApi, EventStatus, TimelineEntry } from '../crm.api';
import { type CrmT, crmMessages } from '../crm.messages';

type NotificationStatus = 'scheduled' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'cancelled' | 'skipped';

/** One line of the person's history, as text (chat previews are never HTML). */
function describe(entry: TimelineEntry, t: CrmT) {
  switch (entry.kind) {
    case 'conversation':
      return (
        <>
          <Link to={`/conversas/${entry.display_id}`}>{t('timeline.conversation', { id: entry.display_id })}</Link>
          <span className="muted"> · {t('timeline.messages', { count: entry.messages_count })}</span>
          {entry.last_message?.content && <span className="crm-timeline-preview">{entry.last_message.content}</span>}
        </>
      );
    case 'event':
      return (
        <>
          <Link to={`/eventos/${entry.id}`}>{t('timeline.event', { title: entry.title })}</Link>
          <span className="muted"> · {t(`event.${entry.status as EventStatus}`)}</span>
          {entry.value_cents !== null && <span className="muted"> · {formatMoney(entry.value_cents)}</span>}
        </>
      );
    case 'assignment':
      return (
        <>
          <Link to={`/eventos/${entry.event_id}`}>
            {t('timeline.assignment', { service: entry.service, title: entry.event_title })}
          </Link>
          <span className="muted"> · {t(`assignment.${entry.status as AssignmentStatus}`)}</span>
        </>
      );
    case 'deal':
      return (
        <>
          {t('timeline.deal', { title: entry.title })}
          <span className="muted">
            {' '}
            · {entry.stage.name}
            {entry.value_cents !== null && ` · ${formatMoney(entry.value_cents)}`}
          </span>
        </>
      );
    case 'deal_stage':
      return t('timeline.dealStage', {
        title: entry.deal_title,
        from: entry.from_stage?.name ?? '—',
        to: entry.to_stage?.name ?? '—',
      });
    case 'activity':
      return (
        <>
          {t('timeline.activity', { kind: t(`activity.kind.${entry.activity_kind}`), title: entry.title })}
          {entry.done && <span className="muted"> · {t('activity.doneMark')}</span>}
        </>
      );
    case 'note':
      return <span className="crm-timeline-preview">{entry.content}</span>;
    case 'notification':
      return (
        <>
          {t('timeline.notification', { name: entry.template?.name ?? t('timeline.notificationAutomatic') })}
          <span className="muted">
            {' '}
            · {entry.channel === 'sms' ? 'SMS' : 'WhatsApp'} ·{' '}
            {t(`timeline.notificationStatus.${entry.status as NotificationStatus}`)}
          </span>
          {/* The reason is "code: sentence"; people read the sentence. */}
          {entry.reason && <span className="crm-timeline-preview">{entry.reason.replace(/^[a-z_]+:\s*/, '')}</span>}
        </>
      );
  }
}

/** GET /contacts/:id/timeline, newest first, with "Carregar mais". `version` bumps reload it. */
export function Timeline({ api, contactId, version }: { api: CrmApi; contactId: number; version: number }) {
  const t = useModuleMessages(crmMessages);
  const [entries, setEntries] = useState<TimelineEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (before?: string) => {
      setLoading(true);
      try {
        const page = await api.timeline(contactId, before);
        setEntries((current) => (before ? [...(current ?? []), ...page.payload] : page.payload));
        setNext(page.meta.next_before);
        setError(null);
      } catch (caught) {
        setError(errorMessage(caught, t('genericError')));
      } finally {
        setLoading(false);
      }
    },
    [api, contactId, t],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    void load();
  }, [load, version]);

  return (
    <section className="crm-contact-block" aria-labelledby={`timeline-${contactId}`}>
      <h3 id={`timeline-${contactId}`}>{t('timeline.title')}</h3>
      {error && <p className="form-error">{error}</p>}
      {entries === null ? (
        !error && <p className="muted">{t('loading')}</p>
      ) : entries.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <ol className="crm-timeline">
          {entries.map((entry) => (
            <li key={`${entry.kind}-${entry.id}-${entry.at}`} className={`crm-timeline-${entry.kind}`}>
              <time dateTime={entry.at} className="muted">
                {formatListTime(new Date(entry.at))}
              </time>
              <span>{describe(entry, t)}</span>
            </li>
          ))}
        </ol>
      )}
      {next && (
        <button type="button" className="secondary small" disabled={loading} onClick={() => void load(next)}>
          {t('timeline.more')}
        </button>
      )}
    </section>
  );
}
