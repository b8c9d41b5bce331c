import { useCallback, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { AssignmentStatus, CrmApi, TimelineEntry } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { ProviderForm } from './ProviderForm';
import { providerFormMessages } from './provider-form.messages';

type AssignmentEntry = Extract<TimelineEntry, { kind: 'assignment' }>;

/** /prestadores/:id: services, regions, upcoming assignments and acceptance history. */
export function ProviderPage({ api, providerId }: { api: CrmApi; providerId: number }) {
  const t = useModuleMessages(crmMessages);
  const load = useCallback(async () => {
    const provider = await api.providers.get(providerId);
    // The person's timeline holds each assignment with its outcome: the history, newest first.
    const timeline = await api.timeline(provider.contact_id).catch(() => ({ payload: [] as TimelineEntry[] }));
    const history = timeline.payload.filter(
      (entry): entry is AssignmentEntry =>
        entry.kind === 'assignment' && entry.provider_id === providerId && new Date(entry.starts_at) < new Date(),
    );
    return { provider, history };
  }, [api, providerId]);
  const loaded = useLoad(load, t('genericError'));
  const form = useModuleMessages(providerFormMessages);
  const [editing, setEditing] = useState(false);

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <Link to="/prestadores" className="crm-back">
        ← {t('providers.back')}
      </Link>
      <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
        {({ provider, history }) => {
          const upcoming = provider.upcoming_assignments;
          const counts = Object.entries(provider.assignment_counts ?? {}).filter(([, count]) => count > 0);
          return (
            <>
              <header className="crm-heading">
                <h1 id="crm-title">{provider.name}</h1>
                <span className={provider.active ? 'settings-badge good' : 'settings-badge'}>
                  {provider.active ? t('providers.active') : t('providers.inactive')}
                </span>
                <button
                  type="button"
                  className="secondary"
                  aria-label={form('editTitle', { name: provider.name })}
                  onClick={() => setEditing(true)}
                >
                  {form('edit')}
                </button>
              </header>
              {editing && (
                <Dialog title={form('editTitle', { name: provider.name })} onClose={() => setEditing(false)} wide>
                  <ProviderForm
                    api={api}
                    provider={provider}
                    onCancel={() => setEditing(false)}
                    onSaved={() => {
                      setEditing(false);
                      void loaded.reload();
                    }}
                  />
                </Dialog>
              )}
              <dl className="crm-facts">
                <div>
                  <dt>{t('client.phone')}</dt>
                  <dd>{provider.phone_number ?? '—'}</dd>
                </div>
                <div>
                  <dt>{t('client.email')}</dt>
                  <dd>{provider.email ?? '—'}</dd>
                </div>
                <div>
                  <dt>{t('providers.rating')}</dt>
                  <dd>{provider.rating === null || provider.rating === undefined ? '—' : provider.rating}</dd>
                </div>
              </dl>
              <div className="crm-columns">
                <section className="crm-card" aria-labelledby="provider-services">
                  <h2 id="provider-services">{t('providers.services')}</h2>
                  {provider.services.length === 0 ? (
                    <p className="muted">{t('providers.noServices')}</p>
                  ) : (
                    <ul className="chips crm-chips">
                      {provider.services.map((service) => (
                        <li key={service.id} className="chip">
                          {service.name}
                        </li>
                      ))}
                    </ul>
                  )}
                  <h2>{t('providers.regions')}</h2>
                  {provider.regions.length === 0 ? (
                    <p className="muted">{t('providers.noRegions')}</p>
                  ) : (
                    <ul className="chips crm-chips">
                      {provider.regions.map((region) => (
                        <li key={region} className="chip">
                          {region}
                        </li>
                      ))}
                    </ul>
                  )}
                  {provider.notes && <p className="crm-notes">{provider.notes}</p>}
                </section>
                <section className="crm-card" aria-labelledby="provider-upcoming">
                  <h2 id="provider-upcoming">{t('providers.upcoming')}</h2>
                  {upcoming.length === 0 ? (
                    <p className="muted">{t('providers.noUpcoming')}</p>
                  ) : (
                    <ul className="crm-list">
                      {upcoming.map((assignment) => (
                        <li key={assignment.id}>
                          <Link to={`/eventos/${assignment.event_id}`}>{assignment.event_title}</Link>
                          <span className="muted">
                            {' '}
                            · {assignment.service.name} · {formatDateTime(new Date(assignment.starts_at))}
                          </span>
                          <span className={`crm-status crm-assignment-${assignment.status}`}>
                            {t(`assignment.${assignment.status}`)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section className="crm-card" aria-labelledby="provider-history">
                  <h2 id="provider-history">{t('providers.history')}</h2>
                  {provider.acceptance_rate !== null && provider.acceptance_rate !== undefined && (
                    <p>{t('providers.acceptanceRate', { rate: Math.round(provider.acceptance_rate * 100) })}</p>
                  )}
                  {counts.length === 0 && history.length === 0 ? (
                    <p className="muted">{t('providers.noHistory')}</p>
                  ) : (
                    <>
                      <p className="crm-counts">
                        {counts.map(([status, count]) => (
                          <span key={status} className={`crm-status crm-assignment-${status}`}>
                            {t(`assignment.${status as AssignmentStatus}`)}: {count}
                          </span>
                        ))}
                      </p>
                      <ul className="crm-list">
                        {history.map((entry) => (
                          <li key={`${entry.kind}-${entry.id}`}>
                            <Link to={`/eventos/${entry.event_id}`}>{entry.event_title}</Link>
                            <span className="muted">
                              {' '}
                              · {entry.service} · {formatDateTime(new Date(entry.starts_at))}
                            </span>
                            <span className={`crm-status crm-assignment-${entry.status}`}>
                              {t(`assignment.${entry.status as AssignmentStatus}`)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                </section>
              </div>
            </>
          );
        }}
      </LoadState>
    </section>
  );
}
