import { useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { Link, navigate } from '../../../shared/router';
import type { Inbox, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { InboxDetails } from './InboxDetails';
import { InboxForm } from './InboxForm';
import { isWhatsApp } from './inbox-form';
import { inboxesMessages } from './inboxes.messages';

const BASE = '/configuracoes/caixas-de-entrada';

function HealthBadge({ inbox }: { inbox: Inbox }) {
  const t = useModuleMessages(inboxesMessages);
  if (!isWhatsApp(inbox)) return <span className="muted">—</span>;
  if (inbox.reauthorization_required) return <span className="settings-badge bad">{t('healthReauth')}</span>;
  if (inbox.templates_sync_error) return <span className="settings-badge warn">{t('healthSyncError')}</span>;
  return <span className="settings-badge good">{t('healthOk')}</span>;
}

/** /configuracoes/caixas-de-entrada[/nova | /:id | /:id/editar] */
export function InboxesSection({ api, path }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(inboxesMessages);
  const common = useModuleMessages(settingsMessages);
  const inboxes = useLoad(api.inboxes.list, common('genericError'));
  const [notice, setNotice] = useState<{ inboxId: number; text: string } | null>(null);
  const [first, second] = path;

  const remember = (saved: Inbox) =>
    inboxes.setData((list) => {
      const rest = (list ?? []).filter((inbox) => inbox.id !== saved.id);
      return [...rest, saved].sort((a, b) => a.id - b.id);
    });

  if (first === 'nova') {
    return (
      <InboxForm
        api={api}
        onCancel={() => navigate(BASE)}
        onSaved={(saved) => {
          remember(saved);
          setNotice({ inboxId: saved.id, text: t('created') });
          navigate(`${BASE}/${saved.id}`);
        }}
      />
    );
  }

  if (first) {
    const id = Number(first);
    return (
      <LoadState loaded={inboxes} isEmpty={() => false} empty={null}>
        {(list) => {
          const inbox = list.find((candidate) => candidate.id === id);
          if (!inbox) {
            return (
              <div className="settings-empty" role="alert">
                <p>{t('notFound')}</p>
                <Link to={BASE}>{t('backToList')}</Link>
              </div>
            );
          }
          if (second === 'editar') {
            return (
              <InboxForm
                key={inbox.id}
                api={api}
                inbox={inbox}
                onCancel={() => navigate(`${BASE}/${inbox.id}`)}
                onSaved={(saved) => {
                  remember(saved);
                  setNotice({ inboxId: saved.id, text: t('saved') });
                  navigate(`${BASE}/${saved.id}`);
                }}
              />
            );
          }
          return (
            <>
              <Link to={BASE} className="settings-back">
                ← {t('backToList')}
              </Link>
              <InboxDetails
                key={inbox.id}
                api={api}
                inbox={inbox}
                notice={notice?.inboxId === inbox.id ? notice.text : null}
                onEdit={() => navigate(`${BASE}/${inbox.id}/editar`)}
                onDeleted={() => {
                  inboxes.setData((current) => (current ?? []).filter((candidate) => candidate.id !== inbox.id));
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
        <Link to={`${BASE}/nova`} className="button-link primary">
          {t('new')}
        </Link>
      </div>
      <LoadState loaded={inboxes} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <table className="settings-table">
            <caption className="visually-hidden">{t('list')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colName')}</th>
                <th scope="col">{t('colPhone')}</th>
                <th scope="col">{t('colChannel')}</th>
                <th scope="col">{t('colHealth')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((inbox) => (
                <tr key={inbox.id}>
                  <td>
                    <Link to={`${BASE}/${inbox.id}`}>{inbox.name}</Link>
                  </td>
                  <td>{inbox.phone_number ?? '—'}</td>
                  <td>{isWhatsApp(inbox) ? t('channelWhatsapp') : t('channelApi')}</td>
                  <td>
                    <HealthBadge inbox={inbox} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadState>
    </>
  );
}
