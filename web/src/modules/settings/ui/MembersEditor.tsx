import { useCallback, useId, useRef, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Agent } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { errorMessage } from './errors';
import { LoadState } from './LoadState';
import { useLoad } from './use-load';

/** The agents of an inbox or a team: list, add one, remove one (mount it with a key per inbox or team). */
export function MembersEditor({
  title,
  agents,
  load,
  add,
  remove,
}: {
  title: string;
  agents: Agent[];
  load: () => Promise<Agent[]>;
  add: (userId: number) => Promise<unknown>;
  remove: (userId: number) => Promise<unknown>;
}) {
  const t = useModuleMessages(settingsMessages);
  // Loaded once per mount: callers pass inline functions, and the editor is keyed by its inbox or team.
  const loadRef = useRef(load);
  const stableLoad = useCallback(() => loadRef.current(), []);
  const members = useLoad(stableLoad, t('genericError'));
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();

  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(null);
      try {
        await action();
        await members.reload();
      } catch (caught) {
        setError(errorMessage(caught, t('genericError')));
      } finally {
        setBusy(false);
      }
    },
    [members, t],
  );

  const memberIds = new Set((members.data ?? []).map((member) => member.id));
  const candidates = agents.filter((agent) => !memberIds.has(agent.id));

  return (
    <section className="settings-members" aria-label={title}>
      <h4>{title}</h4>
      <LoadState
        loaded={members}
        isEmpty={(list) => list.length === 0}
        empty={<p className="muted">{t('noMembers')}</p>}
      >
        {(list) => (
          <ul className="settings-member-list">
            {list.map((member) => (
              <li key={member.id}>
                <span>
                  {member.available_name} <span className="muted">{member.email}</span>
                </span>
                <button
                  type="button"
                  className="secondary small"
                  disabled={busy}
                  aria-label={t('removeMember', { name: member.available_name })}
                  onClick={() => void run(() => remove(member.id))}
                >
                  {t('remove')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
      {members.data &&
        (candidates.length === 0 ? (
          <p className="muted">{t('allAgentsIn')}</p>
        ) : (
          <form
            className="settings-inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              const userId = Number(choice);
              if (!userId) return;
              void run(async () => {
                await add(userId);
                setChoice('');
              });
            }}
          >
            <label htmlFor={selectId} className="visually-hidden">
              {t('addMember')}
            </label>
            <select id={selectId} value={choice} onChange={(event) => setChoice(event.target.value)}>
              <option value="">{t('chooseAgent')}</option>
              {candidates.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.available_name} ({agent.email})
                </option>
              ))}
            </select>
            <button type="submit" className="secondary" disabled={busy || !choice}>
              {t('add')}
            </button>
          </form>
        ))}
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
    </section>
  );
}
