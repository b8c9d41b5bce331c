import { useCallback, useState } from 'react';
import { formatDateTime, toDate } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import type { Inbox, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { CopyField } from '../ui/CopyField';
import { MembersEditor } from '../ui/MembersEditor';
import { useLoad } from '../ui/use-load';
import { isWhatsApp } from './inbox-form';
import { inboxesMessages } from './inboxes.messages';

const when = (seconds: number | null) => {
  const date = toDate(seconds);
  return date ? formatDateTime(date) : '';
};

/** One inbox: what to paste into Meta, whether the connection is healthy, its agents, and delete. */
export function InboxDetails({
  api,
  inbox,
  notice,
  onEdit,
  onDeleted,
}: {
  api: SettingsApi;
  inbox: Inbox;
  notice: string | null;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const t = useModuleMessages(inboxesMessages);
  const common = useModuleMessages(settingsMessages);
  const [confirming, setConfirming] = useState(false);
  const agents = useLoad(api.agents.list, common('genericError'));
  const loadMembers = useCallback(() => api.inboxes.members(inbox.id), [api, inbox.id]);
  const verifyToken = inbox.provider_config?.webhook_verify_token;

  return (
    <div className="settings-details">
      <div className="settings-heading">
        <h3>{inbox.name}</h3>
        <div className="settings-actions">
          <button type="button" className="secondary" onClick={onEdit}>
            {common('edit')}
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            {t('deleteInbox')}
          </button>
        </div>
      </div>
      {notice && (
        <p className="settings-notice" role="status">
          {notice}
        </p>
      )}
      <p className="muted">
        {[inbox.phone_number, isWhatsApp(inbox) ? t('channelWhatsapp') : t('channelApi')].filter(Boolean).join(' · ')}
        {' · '}
        {inbox.enable_auto_assignment ? t('autoAssignmentOn') : t('autoAssignmentOff')}
      </p>

      {isWhatsApp(inbox) && (
        <section className="settings-card" aria-labelledby={`connection-${inbox.id}`}>
          <h4 id={`connection-${inbox.id}`}>{t('connection')}</h4>
          <p className="settings-hint">{t('connectionSteps')}</p>
          {inbox.webhook_url && <CopyField label={t('webhookUrl')} value={inbox.webhook_url} testId="webhook-url" />}
          {verifyToken ? (
            <CopyField label={t('verifyTokenShown')} value={verifyToken} testId="verify-token" />
          ) : (
            <p className="muted">{t('noVerifyToken')}</p>
          )}
          <dl className="settings-facts">
            <dt>{t('phoneNumberId')}</dt>
            <dd className="mono">{inbox.provider_config?.phone_number_id ?? '—'}</dd>
            <dt>{t('businessAccountId')}</dt>
            <dd className="mono">{inbox.provider_config?.business_account_id ?? '—'}</dd>
          </dl>
        </section>
      )}

      {isWhatsApp(inbox) && (
        <section className="settings-card" aria-labelledby={`health-${inbox.id}`}>
          <h4 id={`health-${inbox.id}`}>{t('health')}</h4>
          <ul className="settings-health">
            {inbox.reauthorization_required ? (
              <li className="bad">
                {t('reauthRequired')} {inbox.reauthorization_reason}{' '}
                {inbox.reauthorization_required_at &&
                  t('reauthSince', { time: when(inbox.reauthorization_required_at) })}
              </li>
            ) : (
              <li className="good">{t('tokenOk')}</li>
            )}
            {inbox.templates_sync_error ? (
              <li className="bad">{t('templatesSyncError', { error: inbox.templates_sync_error })}</li>
            ) : null}
            <li className={inbox.templates_synced_at ? 'good' : 'neutral'}>
              {inbox.templates_synced_at
                ? t('templatesSynced', { time: when(inbox.templates_synced_at) })
                : t('templatesNeverSynced')}
            </li>
          </ul>
        </section>
      )}

      {agents.data && (
        <div className="settings-card">
          <MembersEditor
            title={t('members')}
            agents={agents.data}
            load={loadMembers}
            add={(userId) => api.inboxes.addMembers(inbox.id, [userId])}
            remove={(userId) => api.inboxes.removeMembers(inbox.id, [userId])}
          />
        </div>
      )}

      {confirming && (
        <ConfirmDialog
          message={common('confirmDelete', { name: inbox.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.inboxes.remove(inbox.id);
            onDeleted();
          }}
          onClose={() => setConfirming(false)}
        />
      )}
    </div>
  );
}
