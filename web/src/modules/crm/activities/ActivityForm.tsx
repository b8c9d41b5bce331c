import { type FormEvent, useEffect, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { formProblems } from '../../settings/ui/errors';
import { Field, FormFooter } from '../../settings/ui/Field';
import type { Activity, ActivityKind, AgentRef, CrmApi } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { today, toZonedIso } from '../events/calendar';

export const KINDS: ActivityKind[] = ['task', 'call', 'whatsapp', 'meeting'];
type ActivityField = 'kind' | 'title' | 'due_at' | 'assignee_id' | 'notes';
const PATHS: Record<string, ActivityField> = {
  kind: 'kind',
  title: 'title',
  due_at: 'due_at',
  assignee_id: 'assignee_id',
  notes: 'notes',
};

/** A new task, call, WhatsApp or meeting, for me or a colleague, optionally about a contact. */
export function ActivityForm({
  api,
  userId,
  contact,
  defaultTitle,
  onSaved,
  onCancel,
}: {
  api: CrmApi;
  /** The signed-in user; without it the assignee defaults to whoever creates the activity (the API's rule). */
  userId?: number;
  contact?: { id: number; name: string };
  defaultTitle?: string;
  onSaved: (activity: Activity) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const [kind, setKind] = useState<ActivityKind>('task');
  const [title, setTitle] = useState(defaultTitle ?? '');
  const [due, setDue] = useState(`${today()}T18:00`);
  const [assignee, setAssignee] = useState(userId ? String(userId) : '');
  const [notes, setNotes] = useState('');
  const [agents, setAgents] = useState<AgentRef[]>([]);
  const [errors, setErrors] = useState<Partial<Record<ActivityField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api
      .agents()
      .then(setAgents)
      .catch(() => setAgents([]));
  }, [api]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setErrors({});
    setAlert(null);
    try {
      onSaved(
        await api.activities.create({
          kind,
          title: title.trim(),
          due_at: due ? toZonedIso(due) : null,
          ...(assignee ? { assignee_id: Number(assignee) } : {}),
          ...(contact ? { contact_id: contact.id } : {}),
          ...(notes.trim() ? { notes: notes.trim() } : {}),
        }),
      );
    } catch (caught) {
      const problems = formProblems(caught, PATHS, { generic: t('genericError'), fixFields: t('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="crm-form" onSubmit={submit} noValidate>
      {contact && (
        <p className="crm-fixed-client">
          <span className="muted">{t('deal.contact')}:</span> <strong>{contact.name}</strong>
        </p>
      )}
      <div className="crm-form-grid">
        <Field label={t('activity.kind')} error={errors.kind}>
          {(props) => (
            <select {...props} value={kind} onChange={(change) => setKind(change.target.value as ActivityKind)}>
              {KINDS.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {t(`activity.kind.${candidate}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('activity.title')} error={errors.title}>
          {(props) => <input {...props} required value={title} onChange={(change) => setTitle(change.target.value)} />}
        </Field>
        <Field label={t('activity.due')} error={errors.due_at}>
          {(props) => (
            <input {...props} type="datetime-local" value={due} onChange={(change) => setDue(change.target.value)} />
          )}
        </Field>
        <Field label={t('activity.assignee')} error={errors.assignee_id}>
          {(props) => (
            <select {...props} value={assignee} onChange={(change) => setAssignee(change.target.value)}>
              {(!userId || !agents.some((agent) => agent.id === userId)) && (
                <option value={userId ?? ''}>{t('activity.me')}</option>
              )}
              {agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.id === userId ? `${agent.available_name} (${t('activity.me')})` : agent.available_name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('client.notes')} error={errors.notes}>
        {(props) => <textarea {...props} value={notes} onChange={(change) => setNotes(change.target.value)} />}
      </Field>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} submitLabel={t('activity.create')} />
    </form>
  );
}
