import { type FormEvent, useEffect, useId, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { formProblems } from '../../settings/ui/errors';
import { Field, FormFooter } from '../../settings/ui/Field';
import type { CrmApi, Provider, ProviderInput, ServiceType } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { providerFormMessages } from './provider-form.messages';
import './providers.css';

type ProviderField = 'name' | 'phone_number' | 'email' | 'services' | 'regions' | 'active' | 'notes';

export interface ProviderValues {
  name: string;
  phone_number: string;
  email: string;
  /** Ids of the chosen service types. */
  services: number[];
  /** As typed: "São Paulo, ABC". */
  regions: string;
  active: boolean;
  notes: string;
}

export const providerValuesOf = (provider: Provider | null): ProviderValues => ({
  name: provider?.name ?? '',
  phone_number: provider?.phone_number ?? '',
  email: provider?.email ?? '',
  services: provider?.services.map((service) => service.id) ?? [],
  regions: provider?.regions.join(', ') ?? '',
  active: provider?.active ?? true,
  notes: provider?.notes ?? '',
});

/** The body for POST/PATCH /providers: trimmed, regions split on commas (blanks and repeats dropped). */
export function providerPayload(values: ProviderValues): ProviderInput {
  const regions: string[] = [];
  for (const part of values.regions.split(/[,;\n]/)) {
    const region = part.trim();
    if (region && !regions.some((seen) => seen.toLowerCase() === region.toLowerCase())) regions.push(region);
  }
  return {
    name: values.name.trim(),
    phone_number: values.phone_number.trim(),
    email: values.email.trim() || null,
    services: [...values.services],
    regions,
    active: values.active,
    notes: values.notes.trim(),
  };
}

// The API names `services.2` or `regions.0` for one item of a list: each lands beside its list's control.
const PATHS: Record<string, ProviderField> = {
  name: 'name',
  phone_number: 'phone_number',
  email: 'email',
  services: 'services',
  regions: 'regions',
  active: 'active',
  notes: 'notes',
  ...Object.fromEntries(
    Array.from({ length: 100 }, (_, index) => [
      [`services.${index}`, 'services'],
      [`regions.${index}`, 'regions'],
    ]).flat(),
  ),
};

/** New or existing provider: name, phone, e-mail, services offered, regions, active and notes. */
export function ProviderForm({
  api,
  provider,
  serviceTypes: givenTypes,
  onSaved,
  onCancel,
}: {
  api: CrmApi;
  provider: Provider | null;
  /** Given (tests, a page that has them): no request for the list. */
  serviceTypes?: ServiceType[];
  onSaved: (provider: Provider) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(providerFormMessages);
  const common = useModuleMessages(crmMessages);
  const [values, setValues] = useState<ProviderValues>(() => providerValuesOf(provider));
  const [serviceTypes, setServiceTypes] = useState<ServiceType[] | 'loading' | 'failed'>(givenTypes ?? 'loading');
  const [errors, setErrors] = useState<Partial<Record<ProviderField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const servicesErrorId = useId();

  useEffect(() => {
    if (givenTypes) return;
    let live = true;
    api.serviceTypes
      .list()
      .then((list) => live && setServiceTypes(list))
      .catch(() => live && setServiceTypes('failed'));
    return () => {
      live = false;
    };
  }, [api, givenTypes]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setAlert(null);
    const body = providerPayload(values);
    try {
      onSaved(provider ? await api.providers.update(provider.id, body) : await api.providers.create(body));
    } catch (caught) {
      const problems = formProblems(caught, PATHS, { generic: common('genericError'), fixFields: common('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  const toggleService = (id: number, on: boolean) =>
    setValues({
      ...values,
      services: on
        ? [...values.services.filter((chosen) => chosen !== id), id]
        : values.services.filter((x) => x !== id),
    });

  const text = (field: 'name' | 'phone_number' | 'email', label: string, type = 'text') => (
    <Field label={label} error={errors[field]}>
      {(props) => (
        <input
          {...props}
          type={type}
          value={values[field]}
          required={field !== 'email'}
          autoComplete="off"
          onChange={(event) => setValues({ ...values, [field]: event.target.value })}
        />
      )}
    </Field>
  );

  return (
    <form className="crm-form" onSubmit={submit} noValidate>
      <div className="crm-form-grid">
        {text('name', t('name'))}
        {text('phone_number', t('phone'), 'tel')}
        {text('email', t('email'), 'email')}
      </div>
      <fieldset
        className="settings-fieldset crm-provider-services"
        aria-describedby={errors.services ? servicesErrorId : undefined}
      >
        <legend>{t('services')}</legend>
        {serviceTypes === 'loading' ? (
          <p className="muted">{t('servicesLoading')}</p>
        ) : serviceTypes === 'failed' ? (
          <p className="settings-field-error">{t('servicesFailed')}</p>
        ) : serviceTypes.length === 0 ? (
          <p className="muted">{t('noServiceTypes')}</p>
        ) : (
          <ul className="crm-provider-service-list">
            {serviceTypes.map((service) => (
              <li key={service.id}>
                <label className="settings-check">
                  <input
                    type="checkbox"
                    checked={values.services.includes(service.id)}
                    onChange={(event) => toggleService(service.id, event.target.checked)}
                  />
                  <span>{service.name}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {errors.services && (
          <p id={servicesErrorId} className="settings-field-error">
            {errors.services}
          </p>
        )}
      </fieldset>
      <Field label={t('regions')} hint={t('regionsHint')} error={errors.regions}>
        {(props) => (
          <input
            {...props}
            value={values.regions}
            onChange={(event) => setValues({ ...values, regions: event.target.value })}
          />
        )}
      </Field>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.active}
          onChange={(event) => setValues({ ...values, active: event.target.checked })}
        />
        <span>{t('active')}</span>
      </label>
      {errors.active && <p className="settings-field-error">{errors.active}</p>}
      <Field label={t('notes')} error={errors.notes}>
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
