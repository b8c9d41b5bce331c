import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { ServiceTypeItem, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formProblems } from '../ui/errors';
import { Field, FormAlert } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { serviceTypesMessages } from './service-types.messages';

const byName = (a: ServiceTypeItem, b: ServiceTypeItem) => a.name.localeCompare(b.name, 'pt-BR');

function ServiceTypeForm({
  api,
  serviceType,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  serviceType: ServiceTypeItem | null;
  onSaved: (saved: ServiceTypeItem) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(serviceTypesMessages);
  const common = useModuleMessages(settingsMessages);
  const [name, setName] = useState(serviceType?.name ?? '');
  const [error, setError] = useState<string | undefined>();
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    setAlert(null);
    try {
      const value = name.trim();
      onSaved(
        serviceType ? await api.serviceTypes.rename(serviceType.id, value) : await api.serviceTypes.create(value),
      );
    } catch (caught) {
      const problems = formProblems(
        caught,
        { name: 'name' },
        { generic: common('genericError'), fixFields: common('fixFields') },
      );
      setError(problems.errors.name);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{serviceType ? t('editTitle', { name: serviceType.name }) : t('newTitle')}</h3>
      <Field label={t('name')} hint={t('nameHint')} error={error}>
        {(props) => (
          <input
            {...props}
            required
            maxLength={100}
            // biome-ignore lint/a11y/noAutofocus: the form opens on request, its only field takes the focus
            autoFocus
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        )}
      </Field>
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

/** /configuracoes/tipos-de-servico: the CRM's service types, to create, rename and delete. */
export function ServiceTypesSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(serviceTypesMessages);
  const common = useModuleMessages(settingsMessages);
  const serviceTypes = useLoad(api.serviceTypes.list, common('genericError'));
  const [editing, setEditing] = useState<ServiceTypeItem | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ServiceTypeItem | null>(null);

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
        <ServiceTypeForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          serviceType={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            serviceTypes.setData((list) =>
              [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort(byName),
            );
            setEditing(null);
          }}
        />
      )}
      <LoadState loaded={serviceTypes} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={t('list')}>
            {list.map((serviceType) => (
              <li key={serviceType.id} className="settings-row">
                <div>
                  <strong>{serviceType.name}</strong>
                </div>
                <div className="settings-actions">
                  <button
                    type="button"
                    className="secondary small"
                    aria-label={t('renameOf', { name: serviceType.name })}
                    onClick={() => setEditing(serviceType)}
                  >
                    {t('rename')}
                  </button>
                  <button
                    type="button"
                    className="danger small"
                    aria-label={t('deleteOf', { name: serviceType.name })}
                    onClick={() => setDeleting(serviceType)}
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
          message={common('confirmDelete', { name: deleting.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.serviceTypes.remove(deleting.id);
            serviceTypes.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
