import { type ReactNode, useId } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { settingsMessages } from '../settings.messages';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled control with an optional hint and the API's message for it, both tied to the control. */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className="settings-field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p id={hintId} className="settings-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="settings-field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A form-level error, announced when it appears. */
export function FormAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="settings-alert">
      {message}
    </p>
  );
}

/**
 * The foot of a form: its error, what the last save did, and "Salvar" — with "Cancelar" before it when
 * the form can be closed (an item being edited in a list; a page of settings has nothing to go back to).
 */
export function FormFooter({
  alert,
  notice,
  saving,
  onCancel,
  submitLabel,
}: {
  alert: string | null | undefined;
  notice?: string | null;
  saving: boolean;
  onCancel?: () => void;
  /** What the submit button says when it is not "Salvar" ("Criar negócio", "Enviar convite"…). */
  submitLabel?: string;
}) {
  const common = useModuleMessages(settingsMessages);
  return (
    <>
      <FormAlert message={alert} />
      {notice && (
        <p className="settings-notice" role="status">
          {notice}
        </p>
      )}
      <div className="settings-actions">
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel} disabled={saving}>
            {common('cancel')}
          </button>
        )}
        <button type="submit" className="primary" disabled={saving}>
          {saving ? common('saving') : (submitLabel ?? common('save'))}
        </button>
      </div>
    </>
  );
}
