import { useCallback, useEffect, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import type { SettingsApi, WebhookDelivery } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { errorMessage } from '../ui/errors';
import { canRedeliver, describeEvent } from './webhook-events';
import { webhooksMessages } from './webhooks.messages';

const REFRESH_MS = 3000;
const PAGE_SIZE = 25;
const STATUS_CLASS = { pending: 'warn', delivered: 'good', failed: 'bad' } as const;

/** The delivery log of one webhook, newest first, refreshed while open; failed rows can be sent again. */
export function WebhookDeliveries({ api, webhookId }: { api: SettingsApi; webhookId: number }) {
  const t = useModuleMessages(webhooksMessages);
  const common = useModuleMessages(settingsMessages);
  const { locale } = useI18n();
  const [rows, setRows] = useState<WebhookDelivery[] | null>(null);
  const [pages, setPages] = useState(1);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const loaded: WebhookDelivery[] = [];
      let last: WebhookDelivery[] = [];
      for (let page = 1; page <= pages; page += 1) {
        last = await api.webhooks.deliveries(webhookId, page);
        loaded.push(...last);
        if (last.length < PAGE_SIZE) break;
      }
      setRows(loaded);
      setHasMore(last.length === PAGE_SIZE);
      setError(null);
    } catch (caught) {
      setError(errorMessage(caught, common('genericError')));
    }
  }, [api, webhookId, pages, common]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  async function redeliver(delivery: WebhookDelivery) {
    setBusy(delivery.delivery_id);
    setNotice(null);
    setError(null);
    try {
      const updated = await api.webhooks.redeliver(webhookId, delivery.delivery_id);
      setRows((current) => (current ?? []).map((row) => (row.id === updated.id ? updated : row)));
      setNotice(t('redelivered'));
    } catch (caught) {
      setError(errorMessage(caught, common('genericError')));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="settings-card" aria-labelledby={`deliveries-${webhookId}`}>
      <div className="settings-heading">
        <h4 id={`deliveries-${webhookId}`}>{t('deliveries')}</h4>
        <button type="button" className="secondary small" onClick={() => void refresh()}>
          {t('refresh')}
        </button>
      </div>
      <p className="settings-hint">{t('deliveriesHint')}</p>
      {notice && (
        <p className="settings-notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="settings-alert" role="alert">
          {error}
        </p>
      )}
      {rows === null ? (
        !error && (
          <p className="muted" role="status">
            {common('loading')}
          </p>
        )
      ) : rows.length === 0 ? (
        <p className="settings-empty">{t('noDeliveries')}</p>
      ) : (
        <div className="settings-scroll">
          <table className="settings-table" data-testid="webhook-deliveries">
            <caption className="visually-hidden">{t('deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colTime')}</th>
                <th scope="col">{t('colEvent')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col">{t('colAttempts')}</th>
                <th scope="col">{t('colResponse')}</th>
                <th scope="col">{t('colError')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('redeliver')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((delivery) => {
                const time = formatDateTime(new Date(delivery.last_attempt_at ?? delivery.created_at));
                return (
                  <tr key={delivery.id}>
                    <td>{time}</td>
                    <td>
                      <code title={describeEvent(delivery.event, locale)}>{delivery.event}</code>
                    </td>
                    <td>
                      <span className={`settings-badge ${STATUS_CLASS[delivery.status]}`}>
                        {t(`status.${delivery.status}`)}
                      </span>
                    </td>
                    <td>{delivery.attempts}</td>
                    <td>{delivery.response_status ?? '—'}</td>
                    <td>{delivery.error ?? ''}</td>
                    <td className="actions">
                      {canRedeliver(delivery) && (
                        <button
                          type="button"
                          className="secondary small"
                          disabled={busy === delivery.delivery_id}
                          aria-label={t('redeliverOf', { event: delivery.event, time })}
                          onClick={() => void redeliver(delivery)}
                        >
                          {t('redeliver')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {hasMore && (
        <button type="button" className="secondary" onClick={() => setPages((current) => current + 1)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}
