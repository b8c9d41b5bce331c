import { useCallback, useState } from 'react';
import { formatDateTime } from '../../shared/format';
import { useModuleMessages } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { Pager } from '../crm/ui/Pager';
import { LoadState } from '../settings/ui/LoadState';
import { useLoad } from '../settings/ui/use-load';
import type { AutomationApi, AutomationRun } from './automation.api';
import { automationMessages } from './automation.messages';
import { catalogLabel } from './rule-form';

const RUNS_PER_PAGE = 25;
const idIn = (context: Record<string, unknown>, key: string) =>
  typeof context[key] === 'number' ? (context[key] as number) : null;

/** The execution log as a table: when, result, what it was about, each action's outcome and the error. */
export function RunsTable({ runs }: { runs: AutomationRun[] }) {
  const t = useModuleMessages(automationMessages);
  return (
    <div className="notify-scroll">
      <table className="settings-table" aria-label={t('runs')}>
        <thead>
          <tr>
            <th scope="col">{t('runAt')}</th>
            <th scope="col">{t('runStatus')}</th>
            <th scope="col">{t('runSubject')}</th>
            <th scope="col">{t('runActions')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const conversation = idIn(run.context, 'conversation_id');
            const event = idIn(run.context, 'event_id');
            const contact = idIn(run.context, 'contact_id');
            return (
              <tr key={run.id} data-status={run.status}>
                <td>{formatDateTime(new Date(run.created_at))}</td>
                <td>
                  <span className={`notify-status automation-run-${run.status}`}>{t(`run.${run.status}`)}</span>
                </td>
                <td>
                  {conversation && (
                    <Link to={`/conversas/${conversation}`}>{t('runConversation', { id: conversation })}</Link>
                  )}{' '}
                  {event && <Link to={`/eventos/${event}`}>{t('runEvent', { id: event })}</Link>}{' '}
                  {!conversation && !event && contact && <span>{t('runContact', { id: contact })}</span>}
                </td>
                <td>
                  <ul className="automation-outcomes">
                    {run.actions.map((outcome, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: outcomes are listed in the order they ran.
                      <li key={index}>
                        {catalogLabel(t, 'action', String(outcome.action_name ?? '?'))}
                        {outcome.status && (
                          <span className="muted">
                            {' '}
                            · {outcome.status === 'error' ? t('actionStatus.error') : t('actionStatus.done')}
                          </span>
                        )}
                      </li>
                    ))}
                  </ul>
                  {run.error && <p className="automation-error">{run.error}</p>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A rule's runs, newest first, 25 per page. */
export function RuleRuns({ api, ruleId }: { api: AutomationApi; ruleId: number }) {
  const t = useModuleMessages(automationMessages);
  const [page, setPage] = useState(1);
  const load = useCallback(() => api.runs(ruleId, page), [api, ruleId, page]);
  const loaded = useLoad(load, t('genericError'));
  return (
    <section className="settings-card" aria-labelledby="automation-runs-title">
      <h3 id="automation-runs-title">{t('runs')}</h3>
      <LoadState loaded={loaded} isEmpty={(data) => data.payload.length === 0} empty={<p>{t('runsEmpty')}</p>}>
        {(data) => (
          <>
            <RunsTable runs={data.payload} />
            <Pager page={data.meta.current_page} count={data.meta.count} perPage={RUNS_PER_PAGE} onPage={setPage} />
          </>
        )}
      </LoadState>
    </section>
  );
}
