import { useState } from 'react';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import { Link, navigate } from '../../../shared/router';
import type { SettingsApi, Webhook } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { CopyField } from '../ui/CopyField';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookForm } from './WebhookForm';
import { describeEvent } from './webhook-events';
import { webhooksMessages } from './webhooks.messages';

const BASE = '/configuracoes/webhooks';

function WebhookDetails({
  api,
  webhook,
  notice,
  onDeleted,
}: {
  api: SettingsApi;
  webhook: Webhook;
  notice: string | null;
  onDeleted: () => void;
}) {
  const t = useModuleMessages(webhooksMessages);
  const common = useModuleMessages(settingsMessages);
  const { locale } = useI18n();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="settings-details">
      <div className="settings-heading">
        <h3>{webhook.name || webhook.url}</h3>
        <div className="settings-actions">
          <button type="button" className="secondary" onClick={() => navigate(`${BASE}/${webhook.id}/editar`)}>
            {common('edit')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('deleteWebhook')}
          </button>
        </div>
      </div>
      {notice && (
        <p className="settings-notice" role="status">
          {notice}
        </p>
      )}
      <dl className="settings-facts">
        <dt>{t('url')}</dt>
        <dd className="mono">{webhook.url}</dd>
        <dt>{t('inbox')}</dt>
        <dd>{webhook.inbox?.name ?? t('allInboxes')}</dd>
        <dt>{t('eventsLegend')}</dt>
        <dd>
          {webhook.subscriptions.map((event) => (
            <code key={event} title={describeEvent(event, locale)}>
              {event}{' '}
            </code>
          ))}
        </dd>
      </dl>
      <div>
        <CopyField label={t('secret')} value={webhook.secret} testId="webhook-secret" />
        <p className="settings-hint">{t('secretHint')}</p>
      </div>
      <WebhookDeliveries api={api} webhookId={webhook.id} />
      {confirming && (
        <ConfirmDialog
          message={common('confirmDelete', { name: webhook.name || webhook.url })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.webhooks.remove(webhook.id);
            onDeleted();
          }}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}

/** /configuracoes/webhooks[/novo | /:id | /:id/editar] */
export function WebhooksSection({ api, path }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(webhooksMessages);
  const common = useModuleMessages(settingsMessages);
  const webhooks = useLoad(api.webhooks.list, common('genericError'));
  const inboxes = useLoad(api.inboxes.list, common('genericError'));
  const [notice, setNotice] = useState<{ id: number; text: string } | null>(null);
  const [first, second] = path;

  const remember = (saved: Webhook, text: string) => {
    webhooks.setData((list) =>
      [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort((a, b) => a.id - b.id),
    );
    setNotice({ id: saved.id, text });
    navigate(`${BASE}/${saved.id}`);
  };

  if (first === 'novo') {
    return (
      <WebhookForm
        api={api}
        webhook={null}
        inboxes={inboxes.data ?? []}
        onCancel={() => navigate(BASE)}
        onSaved={(saved) => remember(saved, t('created'))}
      />
    );
  }

  if (first) {
    return (
      <LoadState loaded={webhooks} isEmpty={() => false} empty={null}>
        {(list) => {
          const webhook = list.find((candidate) => String(candidate.id) === first);
          if (!webhook) {
            return (
              <div className="settings-empty" role="alert">
                <p>{t('notFound')}</p>
                <Link to={BASE}>{t('backToList')}</Link>
              </div>
            );
          }
          if (second === 'editar') {
            return (
              <WebhookForm
                key={webhook.id}
                api={api}
                webhook={webhook}
                inboxes={inboxes.data ?? []}
                onCancel={() => navigate(`${BASE}/${webhook.id}`)}
                onSaved={(saved) => remember(saved, t('saved'))}
              />
            );
          }
          return (
            <>
              <Link to={BASE} className="settings-back">
                ← {t('backToList')}
              </Link>
              <WebhookDetails
                key={webhook.id}
                api={api}
                webhook={webhook}
                notice={notice?.id === webhook.id ? notice.text : null}
                onDeleted={() => {
                  webhooks.setData((current) => (current ?? []).filter((item) => item.id !== webhook.id));
                  navigate(BASE);
                }}
              />
            </>
          );
        }}
      </LoadState>
    );
  }

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        <Link to={`${BASE}/novo`} className="button-link primary">
          {t('new')}
        </Link>
      </div>
      <LoadState loaded={webhooks} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={t('list')}>
            {list.map((webhook) => (
              <li key={webhook.id} className="settings-row">
                <div>
                  <Link to={`${BASE}/${webhook.id}`} className="settings-link">
                    {webhook.name || webhook.url}
                  </Link>
                  {webhook.name && <p className="settings-hint">{webhook.url}</p>}
                </div>
                <div className="settings-hint">
                  {t('eventCount', { count: webhook.subscriptions.length })} · {webhook.inbox?.name ?? t('allInboxes')}
                </div>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
    </>
  );
}
