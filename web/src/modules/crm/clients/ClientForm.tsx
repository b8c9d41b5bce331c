import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { formProblems } from '../../settings/ui/errors';
import { Field, FormFooter } from '../../settings/ui/Field';
import type { Address, Client, ClientInput, CrmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';

type AddressKey = keyof Address;
const ADDRESS_KEYS: AddressKey[] = ['street', 'number', 'district', 'city', 'state', 'zip'];
type ClientField = 'name' | 'phone_number' | 'email' | 'document' | 'notes' | AddressKey;

interface Values {
  name: string;
  phone_number: string;
  email: string;
  document: string;
  notes: string;
  address: Record<AddressKey, string>;
}

const valuesOf = (client: Partial<Client> | null): Values => ({
  name: client?.name ?? '',
  phone_number: client?.phone_number ?? '',
  email: client?.email ?? '',
  document: client?.document ?? '',
  notes: client?.notes ?? '',
  address: Object.fromEntries(ADDRESS_KEYS.map((key) => [key, client?.address?.[key] ?? ''])) as Record<
    AddressKey,
    string
  >,
});

// The API names fields as `phone_number` or `address.city`; each lands next to its input.
const PATHS: Record<string, ClientField> = {
  name: 'name',
  phone_number: 'phone_number',
  email: 'email',
  document: 'document',
  notes: 'notes',
  ...Object.fromEntries(ADDRESS_KEYS.map((key) => [`address.${key}`, key])),
};

/**
 * New or existing client: name, phone, e-mail, CPF/CNPJ, address and notes. `prefill` seeds a new one
 * (from a conversation's contact); the API links it to the existing contact with that phone.
 */
export function ClientForm({
  api,
  client,
  prefill,
  onSaved,
  onCancel,
}: {
  api: CrmApi;
  client: Client | null;
  prefill?: Partial<Client>;
  onSaved: (client: Client) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const [values, setValues] = useState<Values>(() => valuesOf(client ?? prefill ?? null));
  const [errors, setErrors] = useState<Partial<Record<ClientField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setAlert(null);
    const body: ClientInput = {
      name: values.name.trim(),
      phone_number: values.phone_number.trim(),
      email: values.email.trim() || null,
      document: values.document.trim() || null,
      notes: values.notes.trim(),
      address: Object.fromEntries(ADDRESS_KEYS.map((key) => [key, values.address[key].trim()])),
    };
    try {
      onSaved(client ? await api.clients.update(client.id, body) : await api.clients.create(body));
    } catch (caught) {
      const problems = formProblems(caught, PATHS, { generic: t('genericError'), fixFields: t('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  const text = (field: 'name' | 'phone_number' | 'email' | 'document', label: string, type = 'text') => (
    <Field label={label} error={errors[field]}>
      {(props) => (
        <input
          {...props}
          type={type}
          value={values[field]}
          required={field === 'name' || field === 'phone_number'}
          onChange={(event) => setValues({ ...values, [field]: event.target.value })}
        />
      )}
    </Field>
  );

  return (
    <form className="crm-form" onSubmit={submit} noValidate>
      <div className="crm-form-grid">
        {text('name', t('client.name'))}
        {text('phone_number', t('client.phone'), 'tel')}
        {text('email', t('client.email'), 'email')}
        {text('document', t('client.document'))}
      </div>
      <fieldset className="settings-fieldset">
        <legend>{t('client.address')}</legend>
        <div className="crm-form-grid">
          {ADDRESS_KEYS.map((key) => (
            <Field key={key} label={t(`address.${key}`)} error={errors[key]}>
              {(props) => (
                <input
                  {...props}
                  value={values.address[key]}
                  onChange={(event) =>
                    setValues({ ...values, address: { ...values.address, [key]: event.target.value } })
                  }
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <Field label={t('client.notes')} error={errors.notes}>
        {(props) => (
          <textarea
            {...props}
            value={values.notes}
            onChange={(event) => setValues({ ...values, notes: event.target.value })}
          />
        )}
      </Field>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}
