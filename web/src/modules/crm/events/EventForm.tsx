import { type FormEvent, useEffect, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { formProblems } from '../../settings/ui/errors';
import { Field, FormFooter } from '../../settings/ui/Field';
import { ClientPicker } from '../clients/ClientPicker';
import type { Client, CrmApi, CrmEvent, EventInput, ServiceType } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { centsToInput, parseMoney } from '../ui/money';
import { type DayKey, today, toLocalInput, toZonedIso } from './calendar';
import { StaffingEditor, type StaffingRow } from './StaffingEditor';

type EventField =
  | 'title'
  | 'client_id'
  | 'starts_at'
  | 'ends_at'
  | 'address'
  | 'city'
  | 'value_cents'
  | 'notes'
  | 'staffing';
const PATHS: Record<string, EventField> = {
  title: 'title',
  client_id: 'client_id',
  starts_at: 'starts_at',
  ends_at: 'ends_at',
  'location.address': 'address',
  'location.city': 'city',
  value_cents: 'value_cents',
  notes: 'notes',
  staffing: 'staffing',
  service: 'staffing',
  quantity: 'staffing',
};

type ClientRef = Pick<Client, 'id' | 'name'>;

/**
 * New or existing event. The client is chosen in a picker, fixed (`client`), or — from a conversation
 * whose contact is not a client yet — created on save by `createClient`.
 */
export function EventForm({
  api,
  event,
  client: fixedClient,
  createClient,
  pendingClientName,
  conversationId,
  defaultTitle,
  defaultDay,
  onSaved,
  onCancel,
}: {
  api: CrmApi;
  event?: CrmEvent;
  client?: ClientRef | null;
  createClient?: () => Promise<ClientRef>;
  pendingClientName?: string;
  conversationId?: number;
  defaultTitle?: string;
  defaultDay?: DayKey;
  onSaved: (event: CrmEvent) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const day = defaultDay ?? today();
  const [title, setTitle] = useState(event?.title ?? defaultTitle ?? '');
  const [picked, setPicked] = useState<Client | null>(null);
  const [starts, setStarts] = useState(event ? toLocalInput(new Date(event.starts_at)) : `${day}T19:00`);
  const [ends, setEnds] = useState(event ? toLocalInput(new Date(event.ends_at)) : `${day}T23:00`);
  const [address, setAddress] = useState(event?.location.address ?? '');
  const [city, setCity] = useState(event?.location.city ?? '');
  const [value, setValue] = useState(centsToInput(event?.value_cents));
  const [notes, setNotes] = useState(event?.notes ?? '');
  const [staffing, setStaffing] = useState<StaffingRow[]>(
    event?.staffing.map((line) => ({ service: line.service, quantity: String(line.quantity) })) ?? [],
  );
  const [services, setServices] = useState<ServiceType[]>([]);
  const [errors, setErrors] = useState<Partial<Record<EventField, string>>>({});
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api.serviceTypes
      .list()
      .then(setServices)
      .catch(() => setServices([]));
  }, [api]);

  const client: ClientRef | null = event ? event.client : (fixedClient ?? picked);

  async function submit(submitted: FormEvent) {
    submitted.preventDefault();
    const cents = parseMoney(value);
    const local: Partial<Record<EventField, string>> = {};
    if (cents === undefined) local.value_cents = t('event.valueInvalid');
    if (!client && !createClient) local.client_id = t('event.clientRequired');
    if (staffing.some((row) => !row.service || !(Number(row.quantity) >= 1)))
      local.staffing = t('event.staffingInvalid');
    setErrors(local);
    setAlert(null);
    if (Object.keys(local).length > 0) return;
    setSaving(true);
    try {
      const clientId = client ? client.id : (await (createClient as () => Promise<ClientRef>)()).id;
      const body: EventInput = {
        title: title.trim(),
        client_id: clientId,
        starts_at: toZonedIso(starts),
        ends_at: toZonedIso(ends),
        location: { ...event?.location, address: address.trim(), city: city.trim() },
        notes: notes.trim(),
        staffing: staffing.map((row) => ({ service: row.service, quantity: Number(row.quantity) })),
        ...(cents === null ? {} : { value_cents: cents }),
        ...(conversationId ? { conversation_id: conversationId } : {}),
      };
      onSaved(event ? await api.events.update(event.id, body) : await api.events.create(body));
    } catch (caught) {
      const problems = formProblems(caught, PATHS, { generic: t('genericError'), fixFields: t('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  const input = (
    field: EventField,
    label: string,
    current: string,
    set: (value: string) => void,
    type = 'text',
    hint?: string,
  ) => (
    <Field label={label} error={errors[field]} hint={hint}>
      {(props) => <input {...props} type={type} value={current} onChange={(change) => set(change.target.value)} />}
    </Field>
  );

  return (
    <form className="crm-form" onSubmit={submit} noValidate>
      {input('title', t('event.title'), title, setTitle)}
      {client || createClient ? (
        <p className="crm-fixed-client">
          <span className="muted">{t('event.client')}:</span> <strong>{client?.name ?? pendingClientName}</strong>
          {!client && createClient && <span className="muted"> — {t('event.clientWillBeCreated')}</span>}
        </p>
      ) : (
        <ClientPicker api={api} value={picked} onChange={setPicked} error={errors.client_id} />
      )}
      <div className="crm-form-grid">
        {input('starts_at', t('event.startsAt'), starts, setStarts, 'datetime-local', t('event.timeZoneHint'))}
        {input('ends_at', t('event.endsAt'), ends, setEnds, 'datetime-local')}
        {input('address', t('event.address'), address, setAddress)}
        {input('city', t('address.city'), city, setCity)}
        {input('value_cents', t('event.value'), value, setValue, 'text', t('event.valueHint'))}
      </div>
      <StaffingEditor rows={staffing} services={services} onChange={setStaffing} error={errors.staffing} />
      <Field label={t('event.notes')} error={errors.notes}>
        {(props) => <textarea {...props} value={notes} onChange={(change) => setNotes(change.target.value)} />}
      </Field>
      <FormFooter
        alert={alert}
        saving={saving}
        onCancel={onCancel}
        submitLabel={event ? t('save') : t('event.create')}
      />
    </form>
  );
}
