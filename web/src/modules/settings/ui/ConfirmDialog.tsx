import { useEffect, useId, useRef, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { settingsMessages } from '../settings.messages';
import { errorMessage } from './errors';

/**
 * "Excluir …?" as a modal <dialog>: focus moves into it, Escape cancels, and a failure stays visible in
 * the dialog instead of closing it.
 */
export function ConfirmDialog({
  message,
  detail,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  message: string;
  detail?: string;
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const t = useModuleMessages(settingsMessages);
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // showModal() moves focus to the first button (Cancelar), the safe choice.
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(errorMessage(caught, t('genericError')));
      setBusy(false);
    }
  }

  return (
    <dialog
      ref={ref}
      className="settings-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h3 id={titleId}>{message}</h3>
      {detail && <p className="muted">{detail}</p>}
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <div className="settings-actions">
        <button type="button" className="secondary" onClick={onClose} disabled={busy}>
          {t('cancel')}
        </button>
        <button type="button" className="danger" onClick={confirm} disabled={busy}>
          {confirmLabel ?? t('delete')}
        </button>
      </div>
    </dialog>
  );
}
