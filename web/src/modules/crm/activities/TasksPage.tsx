import { useCallback, useState } from 'react';
import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { errorMessage } from '../../settings/ui/errors';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { Activity, CrmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { Pager } from '../ui/Pager';
import { ActivityForm } from './ActivityForm';

/** Late, today or later: how a due date reads in the list. */
export function dueState(dueAt: string | null, done: boolean, now = new Date()): 'late' | 'soon' | 'later' | 'none' {
  if (!dueAt || done) return 'none';
  const due = new Date(dueAt).getTime();
  if (due < now.getTime()) return 'late';
  return due - now.getTime() < 86_400_000 ? 'soon' : 'later';
}

/** One activity with its "feita" checkbox (shared by "Minhas tarefas" and the contact panel). */
export function ActivityItem({
  activity,
  busy,
  onToggle,
}: {
  activity: Activity;
  busy: boolean;
  onToggle: (done: boolean) => void;
}) {
  const t = useModuleMessages(crmMessages);
  const state = dueState(activity.due_at, activity.done);
  return (
    <li className={`crm-task crm-task-${state}${activity.done ? ' crm-task-done' : ''}`}>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={activity.done}
          disabled={busy}
          onChange={(event) => onToggle(event.target.checked)}
        />
        <span>
          <span className="crm-task-title">{activity.title}</span>
          <span className="muted">
            {t(`activity.kind.${activity.kind}`)}
            {activity.due_at && ` · ${formatDateTime(new Date(activity.due_at))}`}
            {state === 'late' && ` · ${t('activity.late')}`}
          </span>
        </span>
      </label>
    </li>
  );
}

/** /tarefas: "Minhas tarefas", the ones due first on top; tick to mark done. */
export function TasksPage({ api, userId }: { api: CrmApi; userId: number }) {
  const t = useModuleMessages(crmMessages);
  const [showDone, setShowDone] = useState(false);
  const [page, setPage] = useState(1);
  const load = useCallback(
    () => api.activities.list({ assignee_id: 'me', done: showDone, page }),
    [api, showDone, page],
  );
  const activities = useLoad(load, t('genericError'));
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  async function toggle(activity: Activity, done: boolean) {
    setBusy(activity.id);
    setError(null);
    const put = (next: Activity) =>
      activities.setData((current) =>
        current ? { ...current, payload: current.payload.map((item) => (item.id === next.id ? next : item)) } : current,
      );
    // Ticked at once; the API's answer replaces it, a failure unticks it.
    put({ ...activity, done });
    try {
      put(await api.activities.setDone(activity.id, done));
    } catch (caught) {
      put(activity);
      setError(errorMessage(caught, t('genericError')));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="crm-page" aria-labelledby="crm-title">
      <header className="crm-heading">
        <h1 id="crm-title">{t('tasks.title')}</h1>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('activity.new')}
        </button>
      </header>
      <fieldset className="crm-segmented">
        <legend className="visually-hidden">{t('tasks.show')}</legend>
        {[false, true].map((done) => (
          <button
            key={String(done)}
            type="button"
            className="secondary"
            aria-pressed={showDone === done}
            onClick={() => {
              setShowDone(done);
              setPage(1);
            }}
          >
            {done ? t('tasks.done') : t('tasks.pending')}
          </button>
        ))}
      </fieldset>
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <LoadState
        loaded={activities}
        isEmpty={(list) => list.payload.length === 0}
        empty={<p>{showDone ? t('tasks.noneDone') : t('tasks.none')}</p>}
      >
        {(list) => (
          <>
            <ul className="crm-tasks" aria-label={t('tasks.title')}>
              {list.payload.map((activity) => (
                <ActivityItem
                  key={activity.id}
                  activity={activity}
                  busy={busy === activity.id}
                  onToggle={(done) => void toggle(activity, done)}
                />
              ))}
            </ul>
            <Pager page={page} count={list.meta.count} onPage={setPage} />
          </>
        )}
      </LoadState>
      {creating && (
        <Dialog title={t('activity.new')} onClose={() => setCreating(false)}>
          <ActivityForm
            api={api}
            userId={userId}
            onCancel={() => setCreating(false)}
            onSaved={() => {
              setCreating(false);
              void activities.reload();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
