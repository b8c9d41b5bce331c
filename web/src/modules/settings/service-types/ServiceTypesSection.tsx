import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { ServiceTypeItem, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { EditableList } from '../ui/EditableList';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
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
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}

/** /configuracoes/tipos-de-servico: the CRM's service types, to create, rename and delete. */
export function ServiceTypesSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(serviceTypesMessages);
  const common = useModuleMessages(settingsMessages);
  const serviceTypes = useLoad(api.serviceTypes.list, common('genericError'));
  return (
    <EditableList
      loaded={serviceTypes}
      sort={byName}
      texts={{
        intro: t('intro'),
        new: t('new'),
        list: t('list'),
        empty: t('empty'),
        editOf: (serviceType) => t('renameOf', { name: serviceType.name }),
        deleteOf: (serviceType) => t('deleteOf', { name: serviceType.name }),
      }}
      editText={t('rename')}
      form={({ item, onCancel, onSaved }) => (
        <ServiceTypeForm api={api} serviceType={item} onCancel={onCancel} onSaved={onSaved} />
      )}
      renderItem={(serviceType, actions) => (
        <li className="settings-row">
          <div>
            <strong>{serviceType.name}</strong>
          </div>
          {actions}
        </li>
      )}
      remove={{
        name: (serviceType) => serviceType.name,
        detail: t('deleteDetail'),
        run: (serviceType) => api.serviceTypes.remove(serviceType.id),
      }}
    />
  );
}
