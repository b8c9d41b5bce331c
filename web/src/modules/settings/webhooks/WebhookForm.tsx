import { type FormEvent, useState } from 'react';
import { useI18n, useModuleMessages } from '../../../shared/i18n';
import type { Inbox, SettingsApi, Webhook } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
import {
  describeEvent,
  WEBHOOK_EVENTS,
  type WebhookFormValues,
  webhookFormFrom,
  webhookPayload,
} from './webhook-events';
import { webhooksMessages } from './webhooks.messages';

type FormField = 'url' | 'name' | 'subscriptions' | 'inboxId';

/** URL, events (checkboxes, explained) and an optional inbox. */
export function WebhookForm({
  api,
  webhook,
  inboxes,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  webhook: Webhook | null;
  inboxes: Inbox[];
  onSaved: (webhook: Webhook) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(webhooksMessages);
  const common = useModuleMessages(settingsMessages);
  const { locale } = useI18n();
  const [values, setValues] = useState<WebhookFormValues>(() => webhookFormFrom(webhook));
  const [errors, setErrors] = useState<Partial<Record<FormField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const toggle = (event: string, on: boolean) =>
    setValues((current) => ({
      ...current,
      subscriptions: on
        ? [...current.subscriptions, event]
        : current.subscriptions.filter((candidate) => candidate !== event),
    }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const body = webhookPayload(values);
      onSaved(webhook ? await api.webhooks.update(webhook.id, body) : await api.webhooks.create(body));
    } catch (caught) {
      const problems = formProblems(
        caught,
        { url: 'url', name: 'name', subscriptions: 'subscriptions', inbox_id: 'inboxId' },
        {
          generic: common('genericError'),
          fixFields: common('fixFields'),
        },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{webhook ? t('editTitle') : t('newTitle')}</h3>
      <Field label={t('url')} hint={t('urlHint')} error={errors.url}>
        {(props) => (
          <input
            {...props}
            type="url"
            required
            spellCheck={false}
            placeholder="https://"
            value={values.url}
            onChange={(e) => setValues({ ...values, url: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('name')} error={errors.name}>
        {(props) => (
          <input {...props} value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
        )}
      </Field>
      <fieldset className="settings-fieldset settings-events" aria-invalid={errors.subscriptions ? true : undefined}>
        <legend>{t('events')}</legend>
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="settings-check">
            <input
              type="checkbox"
              name="subscriptions"
              value={name}
              checked={values.subscriptions.includes(name)}
              onChange={(e) => toggle(name, e.target.checked)}
            />
            <span>
              <code>{name}</code>
              <span className="settings-hint">{describeEvent(name, locale)}</span>
            </span>
          </label>
        ))}
        {errors.subscriptions && <p className="settings-field-error">{errors.subscriptions}</p>}
      </fieldset>
      <Field label={t('inbox')} hint={t('inboxHint')} error={errors.inboxId}>
        {(props) => (
          <select {...props} value={values.inboxId} onChange={(e) => setValues({ ...values, inboxId: e.target.value })}>
            <option value="">{t('allInboxes')}</option>
            {inboxes.map((inbox) => (
              <option key={inbox.id} value={inbox.id}>
                {inbox.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}
