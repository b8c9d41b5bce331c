import { type FormEvent, useId, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { errorMessage } from '../../settings/ui/errors';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';

/** Losing a deal asks why (the API requires the reason). */
export function LostDialog({
  title,
  onConfirm,
  onClose,
}: {
  title: string;
  onConfirm: (reason: string) => Promise<void>;
  onClose: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setError(t('deal.reasonRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (caught) {
      setError(errorMessage(caught, t('genericError')));
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('deal.lostTitle', { title })} busy={busy} onClose={onClose}>
      <form className="crm-form" onSubmit={submit} noValidate>
        <div className="settings-field">
          <label htmlFor={id}>{t('deal.reason')}</label>
          <textarea id={id} value={reason} onChange={(change) => setReason(change.target.value)} required />
        </div>
        {error && (
          <p role="alert" className="settings-alert">
            {error}
          </p>
        )}
        <div className="settings-actions">
          <button type="button" className="secondary" onClick={onClose} disabled={busy}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('deal.markLost')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
