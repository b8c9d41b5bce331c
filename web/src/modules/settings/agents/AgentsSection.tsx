import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import type { Agent, Availability, Role, SettingsApi } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { CopyField } from '../ui/CopyField';
import { errorMessage, formProblems } from '../ui/errors';
import { Field, FormAlert, FormFooter } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { agentsMessages } from './agents.messages';

const ROLES: Role[] = ['agent', 'administrator'];
const AVAILABILITIES: Availability[] = ['available', 'busy', 'offline'];

type Invited = Agent & { invitation_url: string | null };

function InviteForm({
  api,
  onInvited,
  onCancel,
}: {
  api: SettingsApi;
  onInvited: (agent: Invited) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(agentsMessages);
  const common = useModuleMessages(settingsMessages);
  const [values, setValues] = useState({ name: '', email: '', role: 'agent' as Role });
  const [errors, setErrors] = useState<Partial<Record<'name' | 'email' | 'role', string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      onInvited(await api.agents.create({ ...values, name: values.name.trim(), email: values.email.trim() }));
    } catch (caught) {
      const problems = formProblems(
        caught,
        { name: 'name', email: 'email', role: 'role' },
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
      <h3>{t('inviteTitle')}</h3>
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
      <Field label={t('email')} error={errors.email}>
        {(props) => (
          <input
            {...props}
            type="email"
            required
            autoComplete="off"
            value={values.email}
            onChange={(e) => setValues({ ...values, email: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('role')} error={errors.role}>
        {(props) => (
          <select
            {...props}
            value={values.role}
            onChange={(e) => setValues({ ...values, role: e.target.value as Role })}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`role.${role}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} submitLabel={t('sendInvite')} />
    </form>
  );
}

/** /configuracoes/agentes: invite, change role and availability, remove. */
export function AgentsSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(agentsMessages);
  const common = useModuleMessages(settingsMessages);
  const agents = useLoad(api.agents.list, common('genericError'));
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<Invited | null>(null);
  const [removing, setRemoving] = useState<Agent | null>(null);
  const [alert, setAlert] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);

  async function change(agent: Agent, body: { role?: Role; availability_status?: Availability }) {
    setBusyId(agent.id);
    setAlert(null);
    try {
      const updated = await api.agents.update(agent.id, body);
      agents.setData((list) => (list ?? []).map((item) => (item.id === updated.id ? updated : item)));
    } catch (caught) {
      setAlert(errorMessage(caught, common('genericError')));
    } finally {
      setBusyId(null);
    }
  }

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {!inviting && !invited && (
          <button type="button" className="primary" onClick={() => setInviting(true)}>
            {t('invite')}
          </button>
        )}
      </div>
      {inviting && (
        <InviteForm
          api={api}
          onCancel={() => setInviting(false)}
          onInvited={(agent) => {
            setInviting(false);
            setInvited(agent);
            agents.setData((list) => [...(list ?? []), agent]);
          }}
        />
      )}
      {invited && (
        <div className="settings-card" role="status">
          <h3>{t('invitedTitle', { name: invited.name })}</h3>
          {invited.invitation_url ? (
            <>
              <CopyField label={t('invitationLink')} value={invited.invitation_url} testId="invitation-url" />
              <p className="settings-hint">{t('invitationHelp')}</p>
            </>
          ) : (
            <p>{t('existingUser')}</p>
          )}
          <div className="settings-actions">
            <button type="button" className="secondary" onClick={() => setInvited(null)}>
              {t('done')}
            </button>
          </div>
        </div>
      )}
      <FormAlert message={alert} />
      <LoadState loaded={agents} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <div className="settings-scroll">
            <table className="settings-table">
              <caption className="visually-hidden">{t('list')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('email')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('availability')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('colActions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((agent) => (
                  <tr key={agent.id}>
                    <td>
                      {agent.available_name}{' '}
                      {!agent.confirmed && <span className="settings-badge warn">{t('pending')}</span>}
                    </td>
                    <td>{agent.email}</td>
                    <td>
                      <select
                        aria-label={t('roleOf', { name: agent.available_name })}
                        value={agent.role}
                        disabled={busyId === agent.id}
                        onChange={(e) => void change(agent, { role: e.target.value as Role })}
                      >
                        {ROLES.map((role) => (
                          <option key={role} value={role}>
                            {t(`role.${role}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <select
                        aria-label={t('availabilityOf', { name: agent.available_name })}
                        value={agent.availability_status}
                        disabled={busyId === agent.id}
                        onChange={(e) => void change(agent, { availability_status: e.target.value as Availability })}
                      >
                        {AVAILABILITIES.map((availability) => (
                          <option key={availability} value={availability}>
                            {t(`availability.${availability}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="danger small"
                        aria-label={t('removeOf', { name: agent.available_name })}
                        onClick={() => setRemoving(agent)}
                      >
                        {common('remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </LoadState>
      {removing && (
        <ConfirmDialog
          message={t('removeOf', { name: removing.available_name })}
          detail={t('removeDetail')}
          confirmLabel={common('remove')}
          onConfirm={async () => {
            await api.agents.remove(removing.id);
            agents.setData((list) => (list ?? []).filter((item) => item.id !== removing.id));
          }}
          onClose={() => setRemoving(null)}
        />
      )}
    </>
  );
}
