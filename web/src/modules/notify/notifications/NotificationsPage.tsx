import { useCallback } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { navigate, useLocation } from '../../../shared/router';
import { Pager } from '../../crm/ui/Pager';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import {
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  type NotificationFilters,
  type NotificationKind,
  type NotificationStatus,
  type NotifyApi,
  queryString,
} from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { NotificationTable } from './NotificationTable';

const PER_PAGE = 50;
const positive = (value: string | null) =>
  value && /^\d+$/.test(value) && Number(value) > 0 ? Number(value) : undefined;

/** The list's filters live in the URL (`?situacao=failed&tipo=offer&evento=12&contato=3&pagina=2`): shareable. */
export function filtersOf(search: URLSearchParams): NotificationFilters {
  const status = search.get('situacao');
  const kind = search.get('tipo');
  return {
    status: (NOTIFICATION_STATUSES as readonly string[]).includes(status ?? '')
      ? (status as NotificationStatus)
      : undefined,
    kind: (NOTIFICATION_KINDS as readonly string[]).includes(kind ?? '') ? (kind as NotificationKind) : undefined,
    event_id: positive(search.get('evento')),
    contact_id: positive(search.get('contato')),
    page: positive(search.get('pagina')) ?? 1,
  };
}

export function searchOf(filters: NotificationFilters): string {
  return queryString({
    situacao: filters.status,
    tipo: filters.kind,
    evento: filters.event_id,
    contato: filters.contact_id,
    pagina: filters.page && filters.page > 1 ? filters.page : undefined,
  });
}

/** The filters above the list; each change goes to the URL and back to page 1. */
export function NotificationFiltersBar({
  filters,
  onChange,
}: {
  filters: NotificationFilters;
  onChange: (filters: NotificationFilters) => void;
}) {
  const t = useModuleMessages(notifyMessages);
  const set = (patch: NotificationFilters) => onChange({ ...filters, ...patch, page: 1 });
  const idValue = (text: string) => positive(text.trim());
  return (
    <fieldset className="notify-filters">
      <legend className="visually-hidden">{t('list.label')}</legend>
      <label>
        {t('filter.status')}
        <select
          value={filters.status ?? ''}
          onChange={(event) => set({ status: (event.target.value || undefined) as NotificationStatus | undefined })}
        >
          <option value="">{t('filter.any')}</option>
          {NOTIFICATION_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`status.${status}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filter.kind')}
        <select
          value={filters.kind ?? ''}
          onChange={(event) => set({ kind: (event.target.value || undefined) as NotificationKind | undefined })}
        >
          <option value="">{t('filter.any')}</option>
          {NOTIFICATION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kind.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('filter.event')}
        <input
          inputMode="numeric"
          defaultValue={filters.event_id ?? ''}
          onBlur={(event) => set({ event_id: idValue(event.target.value) })}
          onKeyDown={(event) => {
            if (event.key === 'Enter') set({ event_id: idValue(event.currentTarget.value) });
          }}
        />
      </label>
      <label>
        {t('filter.contact')}
        <input
          inputMode="numeric"
          defaultValue={filters.contact_id ?? ''}
          onBlur={(event) => set({ contact_id: idValue(event.target.value) })}
          onKeyDown={(event) => {
            if (event.key === 'Enter') set({ contact_id: idValue(event.currentTarget.value) });
          }}
        />
      </label>
    </fieldset>
  );
}

/** /notificacoes/envios: every notification, newest due first, with filters and the reason for each. */
export function NotificationsPage({ api }: { api: NotifyApi }) {
  const t = useModuleMessages(notifyMessages);
  const { search } = useLocation();
  const filters = filtersOf(search);
  const key = searchOf(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the filters' values.
  const load = useCallback(() => api.notifications.list(filters), [api, key]);
  const loaded = useLoad(load, t('genericError'));
  const filtered = Boolean(filters.status || filters.kind || filters.event_id || filters.contact_id);
  const go = (next: NotificationFilters) => navigate(`/notificacoes/envios${searchOf(next)}`);

  return (
    <>
      <p className="muted">{t('list.intro')}</p>
      <div className="notify-toolbar">
        <NotificationFiltersBar key={key} filters={filters} onChange={go} />
        {filtered && (
          <button type="button" className="secondary small" onClick={() => go({ page: 1 })}>
            {t('filter.clear')}
          </button>
        )}
      </div>
      <LoadState
        loaded={loaded}
        isEmpty={(page) => page.payload.length === 0}
        empty={<p>{filtered ? t('list.noneFound') : t('list.empty')}</p>}
      >
        {(page) => (
          <>
            <NotificationTable notifications={page.payload} label={t('list.label')} />
            <Pager
              page={page.meta.current_page}
              count={page.meta.count}
              perPage={PER_PAGE}
              onPage={(next) => go({ ...filters, page: next })}
            />
          </>
        )}
      </LoadState>
    </>
  );
}
