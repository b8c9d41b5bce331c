import { useCallback, useId, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { navigate } from '../../../shared/router';
import { isWhatsApp } from '../inboxes/inbox-form';
import type { Inbox, MessageTemplate, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { errorMessage } from '../ui/errors';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { templatesMessages } from './templates.messages';

const BASE = '/configuracoes/modelos';
const STATUS_CLASS: Record<string, string> = {
  APPROVED: 'good',
  PENDING: 'warn',
  REJECTED: 'bad',
  PAUSED: 'warn',
  DISABLED: 'bad',
};

const bodyOf = (template: MessageTemplate) =>
  template.components.find((component) => component.type?.toUpperCase() === 'BODY')?.text ?? '';

function InboxTemplates({ api, inbox }: { api: SettingsApi; inbox: Inbox }) {
  const t = useModuleMessages(templatesMessages);
  const common = useModuleMessages(settingsMessages);
  const load = useCallback(() => api.inboxes.templates(inbox.id), [api, inbox.id]);
  const templates = useLoad(load, common('genericError'));
  const [syncing, setSyncing] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const known = (prefix: 'status' | 'category', value: string | null) => {
    const key = `${prefix}.${value ?? ''}` as Parameters<typeof t>[0];
    return value && key in templatesMessages['pt-BR'] ? t(key) : (value ?? '—');
  };

  async function sync() {
    setSyncing(true);
    setResult(null);
    try {
      const response = await api.inboxes.syncTemplates(inbox.id);
      setResult({ ok: true, text: response.message });
    } catch (caught) {
      setResult({ ok: false, text: errorMessage(caught, common('genericError')) });
    } finally {
      setSyncing(false);
      await templates.reload();
    }
  }

  const data = templates.data;
  return (
    <>
      <div className="settings-heading">
        <div>
          {data?.synced_at ? (
            <p>{t('syncedAt', { time: formatDateTime(new Date(data.synced_at)) })}</p>
          ) : (
            data && <p className="muted">{t('neverSynced')}</p>
          )}
          {data?.sync_error && <p className="settings-field-error">{t('syncError', { error: data.sync_error })}</p>}
        </div>
        <button type="button" className="primary" onClick={sync} disabled={syncing}>
          {syncing ? t('syncing') : t('sync')}
        </button>
      </div>
      {result &&
        (result.ok ? (
          <p className="settings-notice" role="status">
            {result.text}
          </p>
        ) : (
          <p className="settings-alert" role="alert">
            {result.text}
          </p>
        ))}
      <LoadState loaded={templates} isEmpty={(list) => list.payload.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <div className="settings-scroll">
            <table className="settings-table">
              <caption className="visually-hidden">{t('list', { inbox: inbox.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('colName')}</th>
                  <th scope="col">{t('colLanguage')}</th>
                  <th scope="col">{t('colCategory')}</th>
                  <th scope="col">{t('colStatus')}</th>
                  <th scope="col">{t('colBody')}</th>
                </tr>
              </thead>
              <tbody>
                {list.payload.map((template) => (
                  <tr key={template.id}>
                    <td>
                      <code>{template.name}</code>
                    </td>
                    <td>{template.language}</td>
                    <td>{known('category', template.category)}</td>
                    <td>
                      <span className={`settings-badge ${STATUS_CLASS[template.status] ?? ''}`}>
                        {known('status', template.status)}
                      </span>
                    </td>
                    <td>
                      <p className="settings-pre">{bodyOf(template)}</p>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
    </>
  );
}

/** /configuracoes/modelos[/:inboxId]: the WhatsApp templates synced from Meta, per inbox. */
export function TemplatesSection({ api, path }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(templatesMessages);
  const common = useModuleMessages(settingsMessages);
  const inboxes = useLoad(api.inboxes.list, common('genericError'));
  const selectId = useId();

  return (
    <>
      <p className="muted">{t('intro')}</p>
      <LoadState loaded={inboxes} isEmpty={(list) => !list.some(isWhatsApp)} empty={<p>{t('noInboxes')}</p>}>
        {(list) => {
          const whatsapp = list.filter(isWhatsApp);
          const selected = whatsapp.find((inbox) => String(inbox.id) === path[0]) ?? whatsapp[0];
          if (!selected) return null;
          return (
            <>
              <div className="settings-field">
                <label htmlFor={selectId}>{t('inbox')}</label>
                <select
                  id={selectId}
                  value={selected.id}
                  onChange={(event) => navigate(`${BASE}/${event.target.value}`)}
                >
                  {whatsapp.map((inbox) => (
                    <option key={inbox.id} value={inbox.id}>
                      {inbox.name} {inbox.phone_number ? `(${inbox.phone_number})` : ''}
                    </option>
                  ))}
                </select>
              </div>
              <InboxTemplates key={selected.id} api={api} inbox={selected} />
            </>
          );
        }}
      </LoadState>
    </>
  );
}
