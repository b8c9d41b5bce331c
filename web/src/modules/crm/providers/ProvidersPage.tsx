import { useCallback, useEffect, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { CrmApi, ProviderFilters, ServiceType } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { toZonedIso } from '../events/calendar';
import { Dialog } from '../ui/Dialog';
import { Pager } from '../ui/Pager';
import { useDebounced } from '../ui/use-debounced';
import { ProviderForm } from './ProviderForm';
import { providerFormMessages } from './provider-form.messages';
import './providers.css';

interface FilterValues {
  q: string;
  service: string;
  region: string;
  active: '' | 'true' | 'false';
  from: string;
  to: string;
}

const NO_FILTERS: FilterValues = { q: '', service: '', region: '', active: 'true', from: '', to: '' };

/** The API's query for the filters: availability only when both ends are given, as São Paulo times. */
export function providerQuery(values: FilterValues, page: number): ProviderFilters {
  const both = values.from !== '' && values.to !== '';
  return {
    q: values.q.trim(),
    service: values.service,
    region: values.region.trim(),
    active: values.active,
    ...(both ? { available_from: toZonedIso(values.from), available_to: toZonedIso(values.to) } : {}),
    page,
  };
}

/** /prestadores: filter by service, region, active and "free between two dates". */
export function ProvidersPage({ api }: { api: CrmApi }) {
  const t = useModuleMessages(crmMessages);
  const form = useModuleMessages(providerFormMessages);
  const [creating, setCreating] = useState(false);
  const [values, setValues] = useState<FilterValues>(NO_FILTERS);
  const [page, setPage] = useState(1);
  const [services, setServices] = useState<ServiceType[]>([]);
  const filters = useDebounced(values);
  const load = useCallback(() => api.providers.list(providerQuery(filters, page)), [api, filters, page]);
  const providers = useLoad(load, t('genericError'));

  useEffect(() => {
    api.serviceTypes
      .list()
      .then(setServices)
      .catch(() => setServices([]));
  }, [api]);

  const set = (change: Partial<FilterValues>) => {
    setValues({ ...values, ...change });
    setPage(1);
  };
  const halfDates = (values.from === '') !== (values.to === '');

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <header className="crm-heading">
        <h1 id="crm-title">{t('providers.title')}</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {form('new')}
        </button>
      </header>
      <fieldset className="crm-filters crm-provider-filters">
        <legend className="visually-hidden">{t('filters')}</legend>
        <label>
          <span>{t('providers.search')}</span>
          <input type="search" value={values.q} onChange={(event) => set({ q: event.target.value })} />
        </label>
        <label>
          <span>{t('providers.service')}</span>
          <select value={values.service} onChange={(event) => set({ service: event.target.value })}>
            <option value="">{t('providers.anyService')}</option>
            {services.map((service) => (
              <option key={service.id} value={service.name}>
                {service.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('providers.region')}</span>
          <input value={values.region} onChange={(event) => set({ region: event.target.value })} />
        </label>
        <label>
          <span>{t('providers.activeFilter')}</span>
          <select
            value={values.active}
            onChange={(event) => set({ active: event.target.value as FilterValues['active'] })}
          >
            <option value="true">{t('providers.onlyActive')}</option>
            <option value="false">{t('providers.onlyInactive')}</option>
            <option value="">{t('providers.all')}</option>
          </select>
        </label>
        <label className="crm-filter-date">
          <span>{t('providers.availableFrom')}</span>
          <input type="datetime-local" value={values.from} onChange={(event) => set({ from: event.target.value })} />
        </label>
        <label className="crm-filter-date">
          <span>{t('providers.availableTo')}</span>
          <input type="datetime-local" value={values.to} onChange={(event) => set({ to: event.target.value })} />
        </label>
      </fieldset>
      {halfDates && <p className="settings-hint">{t('providers.bothDates')}</p>}
      <LoadState loaded={providers} isEmpty={(list) => list.payload.length === 0} empty={<p>{t('providers.empty')}</p>}>
        {(list) => (
          <>
            <div className="crm-scroll">
              <table className="settings-table crm-table">
                <caption className="visually-hidden">{t('providers.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('client.name')}</th>
                    <th scope="col">{t('providers.services')}</th>
                    <th scope="col" className="crm-hide-narrow">
                      {t('providers.regions')}
                    </th>
                    <th scope="col" className="crm-hide-narrow">
                      {t('client.phone')}
                    </th>
                    <th scope="col">{t('providers.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.payload.map((provider) => (
                    <tr key={provider.id}>
                      <td>
                        <Link to={`/prestadores/${provider.id}`}>{provider.name}</Link>
                      </td>
                      <td>{provider.services.map((service) => service.name).join(', ') || '—'}</td>
                      <td className="crm-hide-narrow">{provider.regions.join(', ') || '—'}</td>
                      <td className="crm-hide-narrow">{provider.phone_number ?? '—'}</td>
                      <td>
                        <span className={provider.active ? 'settings-badge good' : 'settings-badge'}>
                          {provider.active ? t('providers.active') : t('providers.inactive')}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} count={list.meta.count} onPage={setPage} />
          </>
        )}
      </LoadState>
      {creating && (
        <Dialog title={form('new')} onClose={() => setCreating(false)} wide>
          <ProviderForm
            api={api}
            provider={null}
            onCancel={() => setCreating(false)}
            onSaved={() => {
              setCreating(false);
              void providers.reload();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
