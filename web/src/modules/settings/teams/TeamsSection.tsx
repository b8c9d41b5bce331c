import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { SettingsApi, Team } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formProblems } from '../ui/errors';
import { Field, FormAlert } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
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
      <FormAlert message={alert} />
      <div className="settings-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={saving}>
          {common('cancel')}
        </button>
        <button type="submit" className="primary" disabled={saving}>
          {saving ? common('saving') : common('save')}
        </button>
      </div>
    </form>
  );
}

/** /configuracoes/times: teams and their agents. */
export function TeamsSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(teamsMessages);
  const common = useModuleMessages(settingsMessages);
  const teams = useLoad(api.teams.list, common('genericError'));
  const agents = useLoad(api.agents.list, common('genericError'));
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Team | null>(null);
  const [open, setOpen] = useState<number | null>(null);

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('new')}
          </button>
        )}
      </div>
      {editing !== null && (
        <TeamForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          team={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            teams.setData((list) =>
              [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort((a, b) => a.id - b.id),
            );
            setEditing(null);
          }}
        />
      )}
      <LoadState loaded={teams} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={t('list')}>
            {list.map((team) => (
              <li key={team.id}>
                <div className="settings-row">
                  <div>
                    <strong>{team.name}</strong>{' '}
                    {team.allow_auto_assign && <span className="settings-badge">{t('autoAssign')}</span>}
                    {team.description && <p className="settings-hint">{team.description}</p>}
                  </div>
                  <div className="settings-actions">
                    <button
                      type="button"
                      className="secondary small"
                      aria-expanded={open === team.id}
                      aria-label={t('membersOf', { name: team.name })}
                      onClick={() => setOpen(open === team.id ? null : team.id)}
                    >
                      {open === team.id ? t('hideMembers') : t('showMembers')}
                    </button>
                    <button
                      type="button"
                      className="secondary small"
                      aria-label={t('editOf', { name: team.name })}
                      onClick={() => setEditing(team)}
                    >
                      {common('edit')}
                    </button>
                    <button
                      type="button"
                      className="danger small"
                      aria-label={t('deleteOf', { name: team.name })}
                      onClick={() => setDeleting(team)}
                    >
                      {common('delete')}
                    </button>
                  </div>
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
            ))}
          </ul>
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={common('confirmDelete', { name: deleting.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.teams.remove(deleting.id);
            teams.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
