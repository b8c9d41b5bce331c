import { useCallback, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Pager } from '../../crm/ui/Pager';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { Broadcast, NotificationTemplate, NotifyApi } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { reasonSentence } from '../reasons';
import { BroadcastForm } from './BroadcastForm';
import { broadcastsMessages } from './broadcasts.messages';

/** Each broadcast with its label, template, when, who it reaches and how its sends went. */
export function BroadcastList({
  broadcasts,
  canEdit,
  onCancel,
}: {
  broadcasts: Broadcast[];
  canEdit: boolean;
  onCancel: (broadcast: Broadcast) => void;
}) {
  const t = useModuleMessages(broadcastsMessages);
  return (
    <ul className="settings-list" aria-label={t('list')}>
      {broadcasts.map((broadcast) => {
        const reason = reasonSentence(broadcast.reason);
        return (
          <li key={broadcast.id} className="settings-row">
            <div>
              <strong>{broadcast.name}</strong>{' '}
              <span className={`notify-status notify-broadcast-${broadcast.status}`}>
                {t(`status.${broadcast.status}`)}
              </span>
              <p className="settings-hint">
                <span className="chip">{broadcast.label}</span> ·{' '}
                {broadcast.template.name ?? `#${broadcast.template.id}`} ·{' '}
                {t('scheduledAt', { at: formatDateTime(new Date(broadcast.scheduled_at)) })}
              </p>
              <p className="settings-hint">
                {broadcast.recipients !== null && t('recipients', { count: broadcast.recipients })}
                {broadcast.excluded !== null && broadcast.excluded > 0 && (
                  <> · {t('excluded', { count: broadcast.excluded })}</>
                )}
                {' · '}
                {t('counts', {
                  sent: broadcast.counts.sent ?? 0,
                  delivered: broadcast.counts.delivered ?? 0,
                  read: broadcast.counts.read ?? 0,
                  failed: broadcast.counts.failed ?? 0,
                  skipped: broadcast.counts.skipped ?? 0,
                })}
              </p>
              {reason && <p className="settings-hint">{reason}</p>}
            </div>
            {canEdit && (broadcast.status === 'scheduled' || broadcast.status === 'running') && (
              <div className="settings-actions">
                <button
                  type="button"
                  className="danger small"
                  aria-label={t('cancelOf', { name: broadcast.name })}
                  onClick={() => onCancel(broadcast)}
                >
                  {t('cancelIt')}
                </button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** /notificacoes/transmissoes: marketing broadcasts to a label, with counts, creation and cancellation. */
export function BroadcastsPage({ api, isAdmin }: { api: NotifyApi; isAdmin: boolean }) {
  const t = useModuleMessages(broadcastsMessages);
  const common = useModuleMessages(notifyMessages);
  const [page, setPage] = useState(1);
  const loadList = useCallback(() => api.broadcasts.list(page), [api, page]);
  const list = useLoad(loadList, common('genericError'));
  const [creating, setCreating] = useState<{ labels: string[]; templates: NotificationTemplate[] } | null>(null);
  const [cancelling, setCancelling] = useState<Broadcast | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function openForm() {
    setError(null);
    try {
      const [labels, templates] = await Promise.all([api.labels(), api.templates.list()]);
      setCreating({ labels: labels.map((label) => label.title), templates });
    } catch {
      setError(common('genericError'));
    }
  }

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {isAdmin && !creating && (
          <button type="button" className="primary" onClick={() => void openForm()}>
            {t('new')}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      {creating && (
        <BroadcastForm
          api={api}
          labels={creating.labels}
          templates={creating.templates}
          onCancel={() => setCreating(null)}
          onSaved={() => {
            setCreating(null);
            setPage(1);
            void list.reload();
          }}
        />
      )}
      <LoadState loaded={list} isEmpty={(data) => data.payload.length === 0} empty={<p>{t('empty')}</p>}>
        {(data) => (
          <>
            <BroadcastList broadcasts={data.payload} canEdit={isAdmin} onCancel={setCancelling} />
            <Pager page={data.meta.current_page} count={data.meta.count} onPage={setPage} />
          </>
        )}
      </LoadState>
      {cancelling && (
        <ConfirmDialog
          message={t('cancelConfirm', { name: cancelling.name })}
          detail={t('cancelDetail')}
          confirmLabel={t('cancelIt')}
          onConfirm={async () => {
            const updated = await api.broadcasts.cancel(cancelling.id);
            list.setData((data) =>
              data ? { ...data, payload: data.payload.map((item) => (item.id === updated.id ? updated : item)) } : data,
            );
          }}
          onClose={() => setCancelling(null)}
        />
      )}
    </>
  );
}
