import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { SettingsApi, Team } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { EditableList } from '../ui/EditableList';
import { formProblems } from '../ui/errors';
import { Field, FormFooter } from '../ui/Field';
import { MembersEditor } from '../ui/MembersEditor';
import { useLoad } from '../ui/use-load';
import { teamsMessages } from './teams.messages';

type TeamValues = Omit<Team, 'id'>;

function TeamForm({
  api,
  team,
  onSaved,
  onCancel,
}: {
  api: SettingsApi;
  team: Team | null;
  onSaved: (team: Team) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(teamsMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState<TeamValues>({
    name: team?.name ?? '',
    description: team?.description ?? '',
    allow_auto_assign: team?.allow_auto_assign ?? true,
  });
  const [errors, setErrors] = useState<Partial<Record<'name' | 'description', string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const body = { ...values, name: values.name.trim(), description: values.description.trim() };
      onSaved(team ? await api.teams.update(team.id, body) : await api.teams.create(body));
    } catch (caught) {
      const problems = formProblems(
        caught,
        { name: 'name', description: 'description' },
        {
          generic: common('genericError'),
          fixFields: common('fixFields'),
        },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{team ? t('editTitle', { name: team.name }) : t('newTitle')}</h3>
      <Field label={t('name')} error={errors.name}>
        {(props) => (
          <input
            {...props}
            required
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('description')} error={errors.description}>
        {(props) => (
          <input
            {...props}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.target.value })}
          />
        )}
      </Field>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.allow_auto_assign}
          onChange={(e) => setValues({ ...values, allow_auto_assign: e.target.checked })}
        />
        <span>{t('allowAutoAssign')}</span>
      </label>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}

/** /configuracoes/times: teams and their agents. */
export function TeamsSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(teamsMessages);
  const common = useModuleMessages(settingsMessages);
  const teams = useLoad(api.teams.list, common('genericError'));
  const agents = useLoad(api.agents.list, common('genericError'));
  const [open, setOpen] = useState<number | null>(null);
  return (
    <EditableList
      loaded={teams}
      sort={(a, b) => a.id - b.id}
      texts={{
        intro: t('intro'),
        new: t('new'),
        list: t('list'),
        empty: t('empty'),
        editOf: (team) => t('editOf', { name: team.name }),
        deleteOf: (team) => t('deleteOf', { name: team.name }),
      }}
      form={({ item, onCancel, onSaved }) => <TeamForm api={api} team={item} onCancel={onCancel} onSaved={onSaved} />}
      extraActions={(team) => (
        <button
          type="button"
          className="secondary small"
          aria-expanded={open === team.id}
          aria-label={t('membersOf', { name: team.name })}
          onClick={() => setOpen(open === team.id ? null : team.id)}
        >
          {open === team.id ? t('hideMembers') : t('showMembers')}
        </button>
      )}
      renderItem={(team, actions) => (
        <li>
          <div className="settings-row">
            <div>
              <strong>{team.name}</strong>{' '}
              {team.allow_auto_assign && <span className="settings-badge">{t('autoAssign')}</span>}
              {team.description && <p className="settings-hint">{team.description}</p>}
            </div>
            {actions}
          </div>
          {open === team.id && agents.data && (
            <MembersEditor
              title={t('members', { name: team.name })}
              agents={agents.data}
              load={() => api.teams.members(team.id)}
              add={(userId) => api.teams.addMembers(team.id, [userId])}
              remove={(userId) => api.teams.removeMembers(team.id, [userId])}
            />
          )}
        </li>
      )}
      remove={{ name: (team) => team.name, detail: t('deleteDetail'), run: (team) => api.teams.remove(team.id) }}
    />
  );
}
