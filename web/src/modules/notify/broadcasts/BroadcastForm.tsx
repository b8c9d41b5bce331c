import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { toZonedIso } from '../../crm/events/calendar';
import { Field, FormFooter } from '../../settings/ui/Field';
import type { Broadcast, NotificationTemplate, NotifyApi } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { type FieldErrors, saveProblems } from '../ui/field-errors';
import { broadcastsMessages } from './broadcasts.messages';

/** A new broadcast: name, the label of its recipients, a marketing template, now or at a São Paulo time. */
export function BroadcastForm({
  api,
  labels,
  templates,
  initialErrors = {},
  onSaved,
  onCancel,
}: {
  api: NotifyApi;
  labels: string[];
  templates: NotificationTemplate[];
  initialErrors?: FieldErrors;
  onSaved: (broadcast: Broadcast) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(broadcastsMessages);
  const common = useModuleMessages(notifyMessages);
  const marketing = templates.filter((template) => template.category === 'marketing');
  const [name, setName] = useState('');
  const [label, setLabel] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [later, setLater] = useState(false);
  const [at, setAt] = useState('');
  const [errors, setErrors] = useState<FieldErrors>(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (later && !at) {
      setErrors({ scheduled_at: t('whenMissing') });
      setAlert(common('fixFields'));
      return;
    }
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      onSaved(
        await api.broadcasts.create({
          name: name.trim(),
          label,
          template_id: Number(templateId),
          ...(later ? { scheduled_at: toZonedIso(at) } : {}),
        }),
      );
    } catch (caught) {
      const problems = saveProblems(caught, { generic: common('genericError'), fixFields: common('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{t('newTitle')}</h3>
      <Field label={t('name')} error={errors.name}>
        {(props) => (
          <input {...props} required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        )}
      </Field>
      <Field label={t('label')} error={errors.label}>
        {(props) => (
          <select {...props} value={label} onChange={(e) => setLabel(e.target.value)}>
            <option value="">{t('chooseLabel')}</option>
            {labels.map((title) => (
              <option key={title} value={title}>
                {title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t('template')}
        hint={marketing.length === 0 ? t('noMarketing') : undefined}
        error={errors.template_id}
      >
        {(props) => (
          <select {...props} value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            <option value="">{t('chooseTemplate')}</option>
            {marketing.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="settings-fieldset">
        <legend>{t('when')}</legend>
        <label className="settings-check">
          <input type="radio" name="broadcast-when" checked={!later} onChange={() => setLater(false)} />
          <span>{t('now')}</span>
        </label>
        <label className="settings-check">
          <input type="radio" name="broadcast-when" checked={later} onChange={() => setLater(true)} />
          <span>{t('later')}</span>
        </label>
        {later && (
          <Field label={t('whenAt')} error={errors.scheduled_at}>
            {(props) => <input {...props} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />}
          </Field>
        )}
      </fieldset>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} submitLabel={t('create')} />
    </form>
  );
}
