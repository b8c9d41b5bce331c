import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Label, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formProblems } from '../ui/errors';
import { Field, FormAlert } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
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
      <FormAlert message={alert} />
      <div className="settings-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={saving}>
          {common('cancel')}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? common('saving') : common('save')}
        </button>
      </div>
    </form>
  );
}

/** /configuracoes/marcadores: labels with colour and sidebar visibility. */
export function LabelsSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(labelsMessages);
  const common = useModuleMessages(settingsMessages);
  const labels = useLoad(api.labels.list, common('genericError'));
  const [editing, setEditing] = useState<Label | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Label | null>(null);

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('new')}
          </button>
        )}
      </div>
      {editing !== null && (
        <LabelForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          label={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            labels.setData((list) =>
              [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort((a, b) =>
                a.title.localeCompare(b.title),
              ),
            );
            setEditing(null);
          }}
        />
      )}
      <LoadState loaded={labels} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={t('list')}>
            {list.map((label) => (
              <li key={label.id} className="settings-row">
                <div>
                  <strong>
                    <span className="settings-swatch" style={{ background: label.color }} aria-hidden="true" />
                    {label.title}
                  </strong>{' '}
                  {label.show_on_sidebar && <span className="settings-badge">{t('onSidebar')}</span>}
                  {label.description && <p className="settings-hint">{label.description}</p>}
                </div>
                <div className="settings-actions">
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={t('editOf', { name: label.title })}
                    onClick={() => setEditing(label)}
                  >
                    {common('edit')}
                  </button>
                  <button
                    type="button"
                    className="danger small"
                    aria-label={t('deleteOf', { name: label.title })}
                    onClick={() => setDeleting(label)}
                  >
                    {common('delete')}
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={common('confirmDelete', { name: deleting.title })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.labels.remove(deleting.id);
            labels.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
