import { type KeyboardEvent, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import {
  type Agent,
  assignConversation,
  type Conversation,
  type Label,
  markUnread,
  type Priority,
  setLabels,
  setPriority,
  snoozeConversation,
  type Team,
  toggleStatus,
} from '../inbox.api';
import type { InboxT } from '../messages/message-kinds';
import { fromLocalInput, inOneHour, nextWeek, toLocalInput, tomorrowAtNine } from './snooze-presets';

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

export interface ConversationActionsProps {
  accountId: number;
  userId: number;
  conversation: Conversation;
  agents: Agent[];
  teams: Team[];
  labels: Label[];
  /** After an action: the conversation is fetched again. */
  onChanged(): void;
  onMarkedUnread(): void;
  onShowShortcuts(): void;
  t: InboxT;
}

/** Closes a <details> menu with Esc, returning focus to its summary. */
function closeOnEscape(event: KeyboardEvent<HTMLDetailsElement>) {
  if (event.key !== 'Escape' || !event.currentTarget.open) return;
  event.currentTarget.open = false;
  event.currentTarget.querySelector('summary')?.focus();
  event.stopPropagation();
}

/** What an attendant does to the open conversation: assign, labels, priority, resolve, snooze, unread. */
export function ConversationActions(props: ConversationActionsProps) {
  const { accountId, userId, conversation, agents, teams, labels, t } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [until, setUntil] = useState('');
  const id = conversation.id;

  async function run(action: () => Promise<unknown>, after: () => void = props.onChanged) {
    setBusy(true);
    setError(null);
    try {
      await action();
      after();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('common.error'));
    } finally {
      setBusy(false);
    }
  }

  const resolved = conversation.status === 'resolved';
  const snooze = (date: Date) => run(() => snoozeConversation(accountId, id, date));
  const toggleLabel = (title: string, on: boolean) => {
    const next = on ? [...conversation.labels, title] : conversation.labels.filter((label) => label !== title);
    void run(() => setLabels(accountId, id, next));
  };

  return (
    <div className="conv-actions" role="toolbar" aria-label={t('actions.title')}>
      {conversation.assignee_id !== userId && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => run(() => assignConversation(accountId, id, { assignee_id: userId }))}
        >
          {t('actions.assignToMe')}
        </button>
      )}
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => run(() => toggleStatus(accountId, id, { status: resolved ? 'open' : 'resolved' }))}
      >
        {resolved ? t('actions.reopen') : t('actions.resolve')}
      </button>
      <select
        aria-label={t('actions.agent')}
        value={conversation.assignee_id ?? ''}
        disabled={busy}
        onChange={(event) =>
          run(() => assignConversation(accountId, id, { assignee_id: Number(event.target.value) || null }))
        }
      >
        <option value="">{t('actions.nobody')}</option>
        {agents.map((agent) => (
          <option key={agent.id} value={agent.id}>
            {agent.available_name || agent.name}
          </option>
        ))}
      </select>
      {teams.length > 0 && (
        <select
          aria-label={t('actions.team')}
          value={conversation.team_id ?? ''}
          disabled={busy}
          onChange={(event) =>
            run(() => assignConversation(accountId, id, { team_id: Number(event.target.value) || null }))
          }
        >
          <option value="">{t('actions.noTeam')}</option>
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      )}
      <select
        aria-label={t('actions.priority')}
        value={conversation.priority ?? ''}
        disabled={busy}
        onChange={(event) => run(() => setPriority(accountId, id, (event.target.value || null) as Priority))}
      >
        <option value="">{t('actions.priority.none')}</option>
        {PRIORITIES.map((priority) => (
          <option key={priority} value={priority}>
            {t(`actions.priority.${priority}`)}
          </option>
        ))}
      </select>
      <details className="menu" onKeyDown={closeOnEscape}>
        <summary>{t('actions.labels')}</summary>
        <fieldset className="menu-panel">
          <legend className="visually-hidden">{t('actions.labels')}</legend>
          {labels.length === 0 && <p className="muted">{t('actions.noLabels')}</p>}
          {labels.map((label) => (
            <label key={label.id} className="menu-check">
              <input
                type="checkbox"
                checked={conversation.labels.includes(label.title)}
                disabled={busy}
                onChange={(event) => toggleLabel(label.title, event.target.checked)}
              />
              <span className="label-dot" style={{ background: label.color }} aria-hidden="true" />
              {label.title}
            </label>
          ))}
        </fieldset>
      </details>
      <details className="menu" onKeyDown={closeOnEscape}>
        <summary>{t('actions.snooze')}</summary>
        <div className="menu-panel">
          <button type="button" className="secondary" disabled={busy} onClick={() => snooze(inOneHour())}>
            {t('actions.snooze.hour')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => snooze(tomorrowAtNine())}>
            {t('actions.snooze.tomorrow')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => snooze(nextWeek())}>
            {t('actions.snooze.nextWeek')}
          </button>
          <form
            className="menu-form"
            onSubmit={(event) => {
              event.preventDefault();
              const date = fromLocalInput(until);
              if (date) void snooze(date);
            }}
          >
            <label>
              {t('actions.snooze.until')}
              <input
                type="datetime-local"
                value={until}
                min={toLocalInput(new Date())}
                onChange={(event) => setUntil(event.target.value)}
              />
            </label>
            <button type="submit" className="secondary" disabled={busy || !fromLocalInput(until)}>
              {t('actions.snooze.confirm')}
            </button>
          </form>
        </div>
      </details>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => run(() => markUnread(accountId, id), props.onMarkedUnread)}
      >
        {t('actions.markUnread')}
      </button>
      <button
        type="button"
        className="secondary icon-button"
        onClick={props.onShowShortcuts}
        aria-label={t('actions.shortcuts')}
        title={t('actions.shortcuts')}
      >
        ?
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
