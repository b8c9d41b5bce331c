import { useEffect, useId, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Client, CrmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { useDebounced } from '../ui/use-debounced';

/** Search a client by name, phone or document, then choose one in the list of matches. */
export function ClientPicker({
  api,
  value,
  onChange,
  error,
}: {
  api: CrmApi;
  value: Client | null;
  onChange: (client: Client | null) => void;
  error?: string | undefined;
}) {
  const t = useModuleMessages(crmMessages);
  const id = useId();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim());
  const [matches, setMatches] = useState<Client[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.clients
      .list(q, 1)
      .then((page) => {
        if (!live) return;
        setMatches(page.payload);
        setFailed(null);
      })
      .catch(() => live && setFailed(t('genericError')));
    return () => {
      live = false;
    };
  }, [api, q, t]);

  const options =
    value && !(matches ?? []).some((client) => client.id === value.id) ? [value, ...(matches ?? [])] : (matches ?? []);
  return (
    <div className="settings-field">
      <label htmlFor={`${id}-select`}>{t('event.client')}</label>
      <div className="crm-picker">
        <input
          type="search"
          aria-label={t('clients.search')}
          placeholder={t('clients.searchPlaceholder')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <select
          id={`${id}-select`}
          value={value?.id ?? ''}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(event) => onChange(options.find((client) => client.id === Number(event.target.value)) ?? null)}
        >
          <option value="">{matches === null ? t('loading') : t('clients.choose', { count: options.length })}</option>
          {options.map((client) => (
            <option key={client.id} value={client.id}>
              {client.name}
              {client.phone_number ? ` · ${client.phone_number}` : ''}
            </option>
          ))}
        </select>
      </div>
      {(error || failed) && (
        <p id={`${id}-error`} className="settings-field-error">
          {error ?? failed}
        </p>
      )}
    </div>
  );
}
