import { type FormEvent, useEffect, useId, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { useModuleMessages } from '../../../shared/i18n';
import type { CrmApi, CrmEvent, Provider } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';

const HOLDING = new Set(['assigned', 'offered', 'accepted']);

/** Services with a free place first: "Garçom (1 de 2 preenchidas)". */
export const openServices = (event: CrmEvent) => event.staffing.filter((line) => line.filled < line.quantity);

/**
 * "Atribuir prestador": choose the service, then a provider who does it and is free at the event's time
 * (the API's availability filter); busy ones can be shown too, and the API's refusal is shown as it says it.
 */
export function AssignProviderDialog({
  api,
  event,
  onAssigned,
  onClose,
}: {
  api: CrmApi;
  event: CrmEvent;
  onAssigned: () => void;
  onClose: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const id = useId();
  const open = openServices(event);
  const [service, setService] = useState(open[0]?.service ?? event.staffing[0]?.service ?? '');
  const [includeBusy, setIncludeBusy] = useState(false);
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const [providerId, setProviderId] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<{ title: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!service) return;
    let live = true;
    setProviders(null);
    setLoadError(null);
    api.providers
      .list({
        service,
        active: 'true',
        ...(includeBusy ? {} : { available_from: event.starts_at, available_to: event.ends_at }),
      })
      .then((page) => {
        if (!live) return;
        const taken = new Set(
          event.assignments.filter((item) => HOLDING.has(item.status)).map((item) => item.provider_id),
        );
        const list = page.payload.filter((provider) => !taken.has(provider.id));
        setProviders(list);
        setProviderId((current) =>
          list.some((provider) => String(provider.id) === current) ? current : String(list[0]?.id ?? ''),
        );
      })
      .catch((caught) => live && setLoadError(caught instanceof ApiError ? caught.message : t('genericError')));
    return () => {
      live = false;
    };
  }, [api, event, service, includeBusy, t]);

  async function submit(submitted: FormEvent) {
    submitted.preventDefault();
    if (!providerId) return;
    setBusy(true);
    setError(null);
    try {
      await api.events.assign(event.id, Number(providerId), service);
      onAssigned();
    } catch (caught) {
      const code = caught instanceof ApiError ? caught.code : '';
      const title =
        code === 'provider_unavailable'
          ? t('assign.unavailable')
          : code === 'staffing_full'
            ? t('assign.full')
            : t('assign.refused');
      setError({ title, message: caught instanceof ApiError ? caught.message : t('genericError') });
      setBusy(false);
    }
  }

  return (
    <Dialog title={t('assign.title')} busy={busy} onClose={onClose}>
      {event.staffing.length === 0 ? (
        <>
          <p className="settings-empty">{t('assign.noStaffing')}</p>
          <div className="settings-actions">
            <button type="button" className="secondary" onClick={onClose}>
              {t('close')}
            </button>
          </div>
        </>
      ) : (
        <form className="crm-form" onSubmit={submit}>
          <div className="settings-field">
            <label htmlFor={`${id}-service`}>{t('assign.service')}</label>
            <select id={`${id}-service`} value={service} onChange={(change) => setService(change.target.value)}>
              {event.staffing.map((line) => (
                <option key={line.service} value={line.service}>
                  {t('assign.serviceOption', { service: line.service, filled: line.filled, needed: line.quantity })}
                </option>
              ))}
            </select>
          </div>
          <label className="settings-check">
            <input type="checkbox" checked={includeBusy} onChange={(change) => setIncludeBusy(change.target.checked)} />
            <span>{t('assign.includeBusy')}</span>
          </label>
          <div className="settings-field">
            <label htmlFor={`${id}-provider`}>{t('assign.provider')}</label>
            {loadError ? (
              <p className="settings-field-error">{loadError}</p>
            ) : providers === null ? (
              <p className="muted" role="status">
                {t('loading')}
              </p>
            ) : providers.length === 0 ? (
              <p className="settings-hint">{includeBusy ? t('assign.nobody') : t('assign.nobodyFree')}</p>
            ) : null}
            <select
              id={`${id}-provider`}
              value={providerId}
              disabled={!providers || providers.length === 0}
              onChange={(change) => setProviderId(change.target.value)}
            >
              {(providers ?? []).map((provider) => (
                <option key={provider.id} value={provider.id}>
                  {provider.name}
                  {provider.regions.length > 0 ? ` · ${provider.regions.join(', ')}` : ''}
                </option>
              ))}
            </select>
          </div>
          {error && (
            <div role="alert" className="settings-alert crm-refusal">
              <strong>{error.title}</strong>
              <p>{error.message}</p>
            </div>
          )}
          <div className="settings-actions">
            <button type="button" className="secondary" onClick={onClose} disabled={busy}>
              {t('cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy || !providerId}>
              {busy ? t('saving') : t('assign.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
