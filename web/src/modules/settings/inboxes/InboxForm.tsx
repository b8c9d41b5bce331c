import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Inbox, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { formProblems } from '../ui/errors';
import { Field, FormAlert } from '../ui/Field';
import {
  EMPTY_INBOX_FORM,
  INBOX_FIELD_PATHS,
  type InboxField,
  type InboxFormValues,
  inboxCreatePayload,
  inboxFormFrom,
  inboxUpdatePayload,
  isWhatsApp,
} from './inbox-form';
import { inboxesMessages } from './inboxes.messages';

type TextField = Exclude<InboxField, 'autoAssignment'>;

/** Create a WhatsApp Cloud inbox, or edit one; secrets are write-only. */
export function InboxForm({
  api,
  inbox,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  inbox?: Inbox;
  onSaved: (inbox: Inbox) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(inboxesMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState<InboxFormValues>(() => (inbox ? inboxFormFrom(inbox) : EMPTY_INBOX_FORM));
  const [errors, setErrors] = useState<Partial<Record<InboxField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const whatsapp = !inbox || isWhatsApp(inbox);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const saved = inbox
        ? await api.inboxes.update(inbox.id, inboxUpdatePayload(values, inbox))
        : await api.inboxes.create(inboxCreatePayload(values));
      onSaved(saved);
    } catch (caught) {
      const problems = formProblems(caught, INBOX_FIELD_PATHS, {
        generic: common('genericError'),
        fixFields: common('fixFields'),
      });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  const text = (field: TextField, options: { secret?: boolean; required?: boolean; hint?: string } = {}) => (
    <Field label={t(field)} hint={options.hint} error={errors[field]}>
      {(props) => (
        <input
          {...props}
          name={field}
          type={options.secret ? 'password' : 'text'}
          autoComplete={options.secret ? 'new-password' : 'off'}
          spellCheck={false}
          required={options.required}
          value={values[field]}
          onChange={(event) => setValues((current) => ({ ...current, [field]: event.target.value }))}
        />
      )}
    </Field>
  );

  const secretHint = (hint: string) => (inbox ? `${hint} ${t('keepSecret')}` : hint);

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <h3>{inbox ? t('editTitle', { name: inbox.name }) : t('newTitle')}</h3>
      {text('name', { required: true, hint: t('nameHint') })}
      {whatsapp && (
        <>
          {text('phoneNumber', { required: true, hint: t('phoneNumberHint') })}
          {text('phoneNumberId', { required: true, hint: t('phoneNumberIdHint') })}
          {text('businessAccountId', { required: true })}
          <fieldset className="settings-fieldset">
            <legend>{t('secretsSection')}</legend>
            {text('accessToken', { secret: true, required: !inbox, hint: secretHint(t('accessTokenHint')) })}
            {text('appSecret', { secret: true, required: !inbox, hint: secretHint(t('appSecretHint')) })}
            {text('verifyToken', { secret: true, hint: inbox ? t('keepSecret') : t('verifyTokenHint') })}
          </fieldset>
        </>
      )}
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.autoAssignment}
          onChange={(event) => setValues((current) => ({ ...current, autoAssignment: event.target.checked }))}
        />
        <span>
          {t('autoAssignment')}
          <span className="settings-hint">{t('autoAssignmentHint')}</span>
        </span>
      </label>
      <FormAlert message={alert} />
      <div className="settings-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={saving}>
          {common('cancel')}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? common('saving') : inbox ? common('save') : t('create')}
        </button>
      </div>
    </form>
  );
}
