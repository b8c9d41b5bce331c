import { type FormEvent, useCallback, useId, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { saveProblems } from '../../notify/ui/field-errors';
import type { Inbox, SettingsApi, Team, WorkingHoursDay } from '../settings.api';
import { settingsMessages } from '../settings.messages';
import { Field, FormFooter } from '../ui/Field';
import { LoadState } from '../ui/LoadState';
import { useLoad } from '../ui/use-load';
import { businessHoursMessages } from './business-hours.messages';
import { GreetingMenuEditor, type MenuOptionValues } from './GreetingMenuEditor';
import { WorkingHoursEditor } from './WorkingHoursEditor';
import { invalidDays, weekOf } from './working-hours';
import './business-hours.css';

const menuOf = (inbox: Inbox): MenuOptionValues[] =>
  (inbox.greeting_menu ?? []).map((option) => ({
    key: option.key,
    title: option.title,
    team_id: option.team_id ? String(option.team_id) : '',
    labels: option.labels.join(', '),
    reply: option.reply ?? '',
  }));

/** One inbox's business hours, out-of-office reply and greeting menu, saved with the inbox's PATCH. */
export function BusinessHoursForm({
  api,
  inbox,
  teams,
  onSaved,
  initialErrors = {},
}: {
  api: SettingsApi;
  inbox: Inbox;
  teams: Team[];
  onSaved: (inbox: Inbox) => void;
  initialErrors?: Record<string, string>;
}) {
  const t = useModuleMessages(businessHoursMessages);
  const common = useModuleMessages(settingsMessages);
  const [hoursEnabled, setHoursEnabled] = useState(inbox.working_hours_enabled ?? false);
  const [timezone, setTimezone] = useState(inbox.timezone ?? 'America/Sao_Paulo');
  const [days, setDays] = useState<WorkingHoursDay[]>(() => weekOf(inbox.working_hours));
  const [outOfOffice, setOutOfOffice] = useState(inbox.out_of_office_message ?? '');
  const [greetingEnabled, setGreetingEnabled] = useState(inbox.greeting_enabled ?? false);
  const [greeting, setGreeting] = useState(inbox.greeting_message ?? '');
  const [menu, setMenu] = useState<MenuOptionValues[]>(() => menuOf(inbox));
  const [errors, setErrors] = useState(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(null);
    const wrong = invalidDays(days);
    if (wrong.length > 0) {
      setErrors(Object.fromEntries(wrong.map((day) => [`working_hours.${day}`, t('invalidTime')])));
      setAlert(common('fixFields'));
      return;
    }
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      const saved = await api.inboxes.update(inbox.id, {
        working_hours_enabled: hoursEnabled,
        working_hours: days,
        timezone: timezone.trim() || null,
        out_of_office_message: outOfOffice.trim() || null,
        greeting_enabled: greetingEnabled,
        greeting_message: greeting.trim() || null,
        greeting_menu: menu.map((option) => ({
          key: option.key.trim(),
          title: option.title.trim(),
          team_id: option.team_id ? Number(option.team_id) : null,
          labels: option.labels
            .split(',')
            .map((label) => label.trim())
            .filter(Boolean),
          reply: option.reply.trim() || null,
        })),
      });
      onSaved(saved);
      setNotice(t('saved'));
    } catch (caught) {
      const problems = saveProblems(
        caught,
        { generic: common('genericError'), fixFields: common('fixFields') },
        {
          isShown: (field) =>
            /^(timezone|out_of_office_message|greeting_message|working_hours\.\d+.*|greeting_menu\.\d+\.\w+)$/.test(
              field,
            ),
        },
      );
      setErrors(problems.errors);
      setAlert(problems.alert);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="settings-form" onSubmit={submit} noValidate>
      <fieldset className="settings-fieldset">
        <legend>{t('hours')}</legend>
        <label className="settings-check">
          <input type="checkbox" checked={hoursEnabled} onChange={(e) => setHoursEnabled(e.target.checked)} />
          <span>{t('hoursEnabled')}</span>
        </label>
        <Field label={t('timezone')} hint={t('timezoneHint')} error={errors.timezone}>
          {(props) => <input {...props} value={timezone} onChange={(e) => setTimezone(e.target.value)} />}
        </Field>
        <WorkingHoursEditor days={days} errors={errors} onChange={setDays} />
        <Field label={t('outOfOffice')} hint={t('outOfOfficeHint')} error={errors.out_of_office_message}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              maxLength={1024}
              value={outOfOffice}
              onChange={(e) => setOutOfOffice(e.target.value)}
            />
          )}
        </Field>
      </fieldset>
      <fieldset className="settings-fieldset">
        <legend>{t('greeting')}</legend>
        <label className="settings-check">
          <input type="checkbox" checked={greetingEnabled} onChange={(e) => setGreetingEnabled(e.target.checked)} />
          <span>{t('greetingEnabled')}</span>
        </label>
        <Field label={t('greetingMessage')} error={errors.greeting_message}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              maxLength={1024}
              value={greeting}
              onChange={(e) => setGreeting(e.target.value)}
            />
          )}
        </Field>
        <GreetingMenuEditor options={menu} teams={teams} errors={errors} onChange={setMenu} />
      </fieldset>
      <FormFooter alert={alert} notice={notice} saving={saving} />
    </form>
  );
}

/** /configuracoes/horario-e-saudacao: per inbox, business hours with the out-of-office reply and the greeting menu. */
export function BusinessHoursSection({ api }: { api: SettingsApi; path: string[] }) {
  const t = useModuleMessages(businessHoursMessages);
  const common = useModuleMessages(settingsMessages);
  const load = useCallback(() => Promise.all([api.inboxes.list(), api.teams.list()]), [api]);
  const loaded = useLoad(load, common('genericError'));
  const [chosen, setChosen] = useState<number | null>(null);
  const selectId = useId();

  return (
    <>
      <p className="muted">{t('intro')}</p>
      <LoadState loaded={loaded} isEmpty={([inboxes]) => inboxes.length === 0} empty={<p>{t('noInboxes')}</p>}>
        {([inboxes, teams]) => {
          const inbox = inboxes.find((item) => item.id === chosen) ?? inboxes[0];
          if (!inbox) return null;
          return (
            <>
              {inboxes.length > 1 && (
                <div className="settings-field">
                  <label htmlFor={selectId}>{t('inbox')}</label>
                  <select id={selectId} value={inbox.id} onChange={(event) => setChosen(Number(event.target.value))}>
                    {inboxes.map((item) => (
                      <option key={item.id} value={item.id}>
                        {item.name}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <BusinessHoursForm
                key={inbox.id}
                api={api}
                inbox={inbox}
                teams={teams}
                onSaved={(saved) =>
                  loaded.setData((data) =>
                    data ? [data[0].map((item) => (item.id === saved.id ? saved : item)), data[1]] : data,
                  )
                }
              />
            </>
          );
        }}
      </LoadState>
    </>
  );
}
