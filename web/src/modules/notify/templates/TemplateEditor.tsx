import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { FormFooter } from '../../settings/ui/Field';
import type { NotificationTemplate, NotifyApi, VariableCatalog } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { type FieldErrors, saveProblems } from '../ui/field-errors';
import { TemplateFields } from './TemplateFields';
import { TemplatePreviewPanel } from './TemplatePreviewPanel';
import {
  formFieldOf,
  type InsertTarget,
  inputOf,
  insertVariable,
  NEW_TEMPLATE,
  type TemplateValues,
  valuesOf,
} from './template-form';
import { templatesMessages } from './templates.messages';
import { useMetaTemplates, useTemplatePreview } from './use-template-preview';
import { VariablesHelp } from './VariablesHelp';

/** A template's editor: its fields on the left, the variables and the live preview (debounced) on the right. */
export function TemplateEditor({
  api,
  template,
  onSaved,
  onCancel,
}: {
  api: NotifyApi;
  template: NotificationTemplate | null;
  onSaved: (template: NotificationTemplate) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(templatesMessages);
  const common = useModuleMessages(notifyMessages);
  const [values, setValues] = useState<TemplateValues>(() => (template ? valuesOf(template) : NEW_TEMPLATE));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [target, setTarget] = useState<InsertTarget>('text');
  const [catalog, setCatalog] = useState<VariableCatalog | null>(null);
  const [events, setEvents] = useState<Array<{ id: number; title: string }>>([]);
  const [previewEvent, setPreviewEvent] = useState<number | null>(null);
  const meta = useMetaTemplates(api);
  const input = useMemo(() => inputOf(values), [values]);
  const preview = useTemplatePreview(api, input, previewEvent, common('genericError'));
  const eventSelect = useId();
  const inboxSelect = useId();

  useEffect(() => {
    api.templates
      .variables()
      .then(setCatalog)
      .catch(() => setCatalog(null));
    api
      .upcomingEvents(new Date().toISOString())
      .then(setEvents)
      .catch(() => setEvents([]));
  }, [api]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      onSaved(template ? await api.templates.update(template.id, input) : await api.templates.create(input));
    } catch (caught) {
      const problems = saveProblems(
        caught,
        { generic: common('genericError'), fixFields: common('fixFields') },
        { toField: formFieldOf },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <div className="notify-editor">
      <form className="settings-form settings-card" onSubmit={submit} noValidate>
        <h3>{template ? t('editTitle', { name: template.name }) : t('newTitle')}</h3>
        {meta.inboxes.length > 1 && values.whatsapp.enabled && (
          <div className="settings-field">
            <label htmlFor={inboxSelect}>{t('inbox')}</label>
            <select
              id={inboxSelect}
              value={meta.inboxId ?? ''}
              onChange={(event) => meta.setInboxId(Number(event.target.value))}
            >
              {meta.inboxes.map((inbox) => (
                <option key={inbox.id} value={inbox.id}>
                  {inbox.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <TemplateFields
          values={values}
          errors={errors}
          metaTemplates={meta.templates}
          onChange={setValues}
          onFocusTarget={setTarget}
        />
        <FormFooter
          alert={alert}
          saving={saving}
          onCancel={onCancel}
          submitLabel={template ? common('save') : t('create')}
        />
      </form>
      <aside className="notify-side">
        <div className="settings-field">
          <label htmlFor={eventSelect}>{t('previewWith')}</label>
          <select
            id={eventSelect}
            value={previewEvent ?? ''}
            onChange={(event) => setPreviewEvent(event.target.value ? Number(event.target.value) : null)}
          >
            <option value="">{t('exampleData')}</option>
            {events.map((item) => (
              <option key={item.id} value={item.id}>
                {item.title}
              </option>
            ))}
          </select>
        </div>
        <TemplatePreviewPanel state={preview} />
        <VariablesHelp
          catalog={catalog}
          target={target}
          onInsert={(token) => setValues((current) => insertVariable(current, target, token))}
        />
      </aside>
    </div>
  );
}
