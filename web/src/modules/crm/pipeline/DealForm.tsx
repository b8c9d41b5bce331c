import { type FormEvent, useEffect, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { formProblems } from '../../settings/ui/errors';
import { Field, FormFooter } from '../../settings/ui/Field';
import { ClientPicker } from '../clients/ClientPicker';
import type { Client, CrmApi, Deal, Stage } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { parseMoney } from '../ui/money';

type DealField = 'title' | 'contact_id' | 'stage_id' | 'value_cents' | 'expected_close_on';
const PATHS: Record<string, DealField> = {
  title: 'title',
  contact_id: 'contact_id',
  stage_id: 'stage_id',
  value_cents: 'value_cents',
  expected_close_on: 'expected_close_on',
};

/** A new deal for a contact (fixed, from a conversation) or for a client chosen in the picker. */
export function DealForm({
  api,
  contact,
  conversationId,
  defaultTitle,
  onSaved,
  onCancel,
}: {
  api: CrmApi;
  contact?: { id: number; name: string };
  conversationId?: number;
  defaultTitle?: string;
  onSaved: (deal: Deal) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const [title, setTitle] = useState(defaultTitle ?? '');
  const [client, setClient] = useState<Client | null>(null);
  const [value, setValue] = useState('');
  const [stageId, setStageId] = useState('');
  const [closeOn, setCloseOn] = useState('');
  const [stages, setStages] = useState<Stage[]>([]);
  const [errors, setErrors] = useState<Partial<Record<DealField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.stages
      .list()
      .then((list) => {
        const open = list.filter((stage) => !stage.is_won && !stage.is_lost);
        setStages(open);
        setStageId((current) => current || String(open[0]?.id ?? ''));
      })
      .catch(() => setStages([]));
  }, [api]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const cents = parseMoney(value);
    const contactId = contact?.id ?? client?.contact_id;
    const local: Partial<Record<DealField, string>> = {};
    if (cents === undefined) local.value_cents = t('event.valueInvalid');
    if (!contactId) local.contact_id = t('event.clientRequired');
    setErrors(local);
    setAlert(null);
    if (Object.keys(local).length > 0 || !contactId) return;
    setSaving(true);
    try {
      onSaved(
        await api.deals.create({
          title: title.trim(),
          contact_id: contactId,
          ...(stageId ? { stage_id: Number(stageId) } : {}),
          value_cents: cents ?? null,
          expected_close_on: closeOn || null,
          ...(conversationId ? { conversation_id: conversationId } : {}),
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
      <Field label={t('deal.title')} error={errors.title}>
        {(props) => <input {...props} required value={title} onChange={(change) => setTitle(change.target.value)} />}
      </Field>
      {contact ? (
        <p className="crm-fixed-client">
          <span className="muted">{t('deal.contact')}:</span> <strong>{contact.name}</strong>
        </p>
      ) : (
        <ClientPicker api={api} value={client} onChange={setClient} error={errors.contact_id} />
      )}
      <div className="crm-form-grid">
        <Field label={t('event.value')} error={errors.value_cents} hint={t('event.valueHint')}>
          {(props) => <input {...props} value={value} onChange={(change) => setValue(change.target.value)} />}
        </Field>
        <Field label={t('deal.stage')} error={errors.stage_id}>
          {(props) => (
            <select {...props} value={stageId} onChange={(change) => setStageId(change.target.value)}>
              {stages.map((stage) => (
                <option key={stage.id} value={stage.id}>
                  {stage.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('deal.expectedClose')} error={errors.expected_close_on}>
          {(props) => (
            <input {...props} type="date" value={closeOn} onChange={(change) => setCloseOn(change.target.value)} />
          )}
        </Field>
      </div>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} submitLabel={t('deal.create')} />
    </form>
  );
}
