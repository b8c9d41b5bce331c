import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Label, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { EditableList } from '../ui/EditableList';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
import { useLoad } from '../ui/use-load';
import { labelsMessages } from './labels.messages';

type LabelValues = Omit<Label, 'id'>;
type LabelField = keyof LabelValues;
const NEW_LABEL: LabelValues = { title: '', description: '', color: '#1f93ff', show_on_sidebar: true };
const HEX = /^#[0-9a-f]{6}$/i;

function LabelForm({
  api,
  label,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  label: Label | null;
  onSaved: (label: Label) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(labelsMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState<LabelValues>(label ?? NEW_LABEL);
  const [errors, setErrors] = useState<Partial<Record<LabelField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const body = { ...values, title: values.title.trim(), description: values.description.trim() };
      onSaved(label ? await api.labels.update(label.id, body) : await api.labels.create(body));
    } catch (caught) {
      const problems = formProblems(
        caught,
        {
          title: 'title',
          description: 'description',
          color: 'color',
          show_on_sidebar: 'show_on_sidebar',
        },
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
      <h3>{label ? t('editTitle', { name: label.title }) : t('newTitle')}</h3>
      <Field label={t('title')} hint={t('titleHint')} error={errors.title}>
        {(props) => (
          <input
            {...props}
            required
            value={values.title}
            onChange={(e) => setValues({ ...values, title: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('description')} error={errors.description}>
        {(props) => (
          <input
            {...props}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('color')} error={errors.color}>
        {(props) => (
          <div className="settings-color">
            <input
              {...props}
              type="color"
              value={HEX.test(values.color) ? values.color : '#1f93ff'}
              onChange={(e) => setValues({ ...values, color: e.target.value })}
            />
            <input
              aria-label={t('colorHex')}
              value={values.color}
              maxLength={7}
              spellCheck={false}
              onChange={(e) => setValues({ ...values, color: e.target.value })}
            />
          </div>
        )}
      </Field>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.show_on_sidebar}
          onChange={(e) => setValues({ ...values, show_on_sidebar: e.target.checked })}
        />
        <span>{t('showOnSidebar')}</span>
      </label>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}

/** /configuracoes/marcadores: labels with colour and sidebar visibility. */
export function LabelsSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(labelsMessages);
  const common = useModuleMessages(settingsMessages);
  const labels = useLoad(api.labels.list, common('genericError'));
  return (
    <EditableList
      loaded={labels}
      sort={(a, b) => a.title.localeCompare(b.title)}
      texts={{
        intro: t('intro'),
        new: t('new'),
        list: t('list'),
        empty: t('empty'),
        editOf: (label) => t('editOf', { name: label.title }),
        deleteOf: (label) => t('deleteOf', { name: label.title }),
      }}
      form={({ item, onCancel, onSaved }) => <LabelForm api={api} label={item} onCancel={onCancel} onSaved={onSaved} />}
      renderItem={(label, actions) => (
        <li className="settings-row">
          <div>
            <strong>
              <span className="settings-swatch" style={{ background: label.color }} aria-hidden="true" />
              {label.title}
            </strong>{' '}
            {label.show_on_sidebar && <span className="settings-badge">{t('onSidebar')}</span>}
            {label.description && <p className="settings-hint">{label.description}</p>}
          </div>
          {actions}
        </li>
      )}
      remove={{ name: (label) => label.title, detail: t('deleteDetail'), run: (label) => api.labels.remove(label.id) }}
    />
  );
}
