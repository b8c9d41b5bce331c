import { useCallback, useId, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { Client, CrmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { Pager } from '../ui/Pager';
import { useDebounced } from '../ui/use-debounced';
import { ClientForm } from './ClientForm';

/** "CPF 123.456.789-09" / "CNPJ 12.345.678/0001-95", as people read them. */
export function formatDocument(document: string | null): string {
  if (!document) return '—';
  if (/^\d{11}$/.test(document)) return document.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
  if (/^[0-9A-Z]{14}$/.test(document)) return document.replace(/^(.{2})(.{3})(.{3})(.{4})(.{2})$/, '$1.$2.$3/$4-$5');
  return document;
}

/** /clientes: search by name, phone, e-mail or CPF/CNPJ; create and edit; administrators delete. */
export function ClientsPage({ api, isAdmin }: { api: CrmApi; isAdmin: boolean }) {
  const t = useModuleMessages(crmMessages);
  const searchId = useId();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const q = useDebounced(query.trim());
  const load = useCallback(() => api.clients.list(q, page), [api, q, page]);
  const clients = useLoad(load, t('genericError'));
  const [editing, setEditing] = useState<Client | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Client | null>(null);
  const [status, setStatus] = useState('');

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <header className="crm-heading">
        <h1 id="crm-title">{t('clients.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('clients.new')}
        </button>
      </header>
      <div className="crm-toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          {t('clients.search')}
        </label>
        <input
          id={searchId}
          type="search"
          placeholder={t('clients.searchPlaceholder')}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setPage(1);
          }}
        />
      </div>
      <LoadState
        loaded={clients}
        isEmpty={(list) => list.payload.length === 0}
        empty={<p>{q ? t('clients.noneFound', { q }) : t('clients.empty')}</p>}
      >
        {(list) => (
          <>
            <div className="crm-scroll">
              <table className="settings-table crm-table">
                <caption className="visually-hidden">{t('clients.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('client.name')}</th>
                    <th scope="col">{t('client.phone')}</th>
                    <th scope="col" className="crm-hide-narrow">
                      {t('client.email')}
                    </th>
                    <th scope="col" className="crm-hide-narrow">
                      {t('client.document')}
                    </th>
                    <th scope="col" className="crm-hide-narrow">
                      {t('address.city')}
                    </th>
                    <th scope="col">
                      <span className="visually-hidden">{t('actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.payload.map((client) => (
                    <tr key={client.id}>
                      <td>
                        <strong>{client.name}</strong>
                      </td>
                      <td>{client.phone_number ?? '—'}</td>
                      <td className="crm-hide-narrow">{client.email ?? '—'}</td>
                      <td className="crm-hide-narrow">{formatDocument(client.document)}</td>
                      <td className="crm-hide-narrow">{client.address.city ?? '—'}</td>
                      <td className="actions">
                        <button
                          type="button"
                          className="secondary small"
                          aria-label={t('editOf', { name: client.name })}
                          onClick={() => setEditing(client)}
                        >
                          {t('edit')}
                        </button>
                        {isAdmin && (
                          <button
                            type="button"
                            className="secondary small crm-danger"
                            aria-label={t('deleteOf', { name: client.name })}
                            onClick={() => setDeleting(client)}
                          >
                            {t('delete')}
                          </button>
                        )}
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
      <p className="visually-hidden" aria-live="polite">
        {status}
      </p>
      {deleting && (
        // A client with events answers 409 with the API's sentence, shown in the dialog.
        <ConfirmDialog
          message={t('clients.deleteConfirm', { name: deleting.name })}
          detail={t('clients.deleteDetail')}
          confirmLabel={t('delete')}
          onConfirm={async () => {
            await api.clients.remove(deleting.id);
            setStatus(t('clients.deleted', { name: deleting.name }));
            await clients.reload();
          }}
          onClose={() => setDeleting(null)}
        />
      )}
      {editing !== null && (
        <Dialog
          title={editing === 'new' ? t('clients.new') : t('clients.edit', { name: editing.name })}
          onClose={() => setEditing(null)}
          wide
        >
          <ClientForm
            api={api}
            client={editing === 'new' ? null : editing}
            onCancel={() => setEditing(null)}
            onSaved={() => {
              setEditing(null);
              void clients.reload();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
