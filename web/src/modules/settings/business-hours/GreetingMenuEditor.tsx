import { useModuleMessages } from '../../../shared/i18n';
import type { Team } from '../settings.api';
import { Field } from '../ui/Field';
import { businessHoursMessages } from './business-hours.messages';

/** A menu option as the form edits it: labels as typed (comma separated), team as the select's value. */
export interface MenuOptionValues {
  key: string;
  title: string;
  team_id: string;
  labels: string;
  reply: string;
}

const MAX_OPTIONS = 20;

/** The greeting menu: "1 - Orçamento de evento", each routing to a team, labels and a reply. */
export function GreetingMenuEditor({
  options,
  teams,
  errors,
  onChange,
}: {
  options: MenuOptionValues[];
  teams: Team[];
  errors: Record<string, string>;
  onChange: (options: MenuOptionValues[]) => void;
}) {
  const t = useModuleMessages(businessHoursMessages);
  const set = (index: number, patch: Partial<MenuOptionValues>) =>
    onChange(options.map((option, position) => (position === index ? { ...option, ...patch } : option)));
  const at = (index: number, field: string) => errors[`greeting_menu.${index}.${field}`];

  return (
    <fieldset className="settings-fieldset">
      <legend>{t('menu')}</legend>
      <p className="settings-hint">{t('menuHint')}</p>
      {options.length === 0 && <p className="muted">{t('menuEmpty')}</p>}
      {options.map((option, index) => {
        const n = index + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place, by position.
          <div key={index} className="settings-card">
            <div className="greeting-option">
              <Field label={t('optionKey', { n })} error={at(index, 'key')}>
                {(props) => (
                  <input
                    {...props}
                    maxLength={10}
                    value={option.key}
                    onChange={(e) => set(index, { key: e.target.value })}
                  />
                )}
              </Field>
              <Field label={t('optionTitle', { n })} error={at(index, 'title')}>
                {(props) => (
                  <input
                    {...props}
                    maxLength={72}
                    value={option.title}
                    onChange={(e) => set(index, { title: e.target.value })}
                  />
                )}
              </Field>
              <button
                type="button"
                className="danger small"
                aria-label={t('removeOption', { n })}
                onClick={() => onChange(options.filter((_, position) => position !== index))}
              >
                ×
              </button>
            </div>
            <div className="settings-inline-form">
              <Field label={t('optionTeam', { n })} error={at(index, 'team_id')}>
                {(props) => (
                  <select {...props} value={option.team_id} onChange={(e) => set(index, { team_id: e.target.value })}>
                    <option value="">{t('noTeam')}</option>
                    {teams.map((team) => (
                      <option key={team.id} value={team.id}>
                        {team.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('optionLabels', { n })} error={at(index, 'labels')}>
                {(props) => (
                  <input {...props} value={option.labels} onChange={(e) => set(index, { labels: e.target.value })} />
                )}
              </Field>
            </div>
            <Field label={t('optionReply', { n })} error={at(index, 'reply')}>
              {(props) => (
                <input
                  {...props}
                  maxLength={1024}
                  value={option.reply}
                  onChange={(e) => set(index, { reply: e.target.value })}
                />
              )}
            </Field>
          </div>
        );
      })}
      {options.length < MAX_OPTIONS && (
        <button
          type="button"
          className="secondary small"
          onClick={() =>
            onChange([...options, { key: String(options.length + 1), title: '', team_id: '', labels: '', reply: '' }])
          }
        >
          {t('addOption')}
        </button>
      )}
    </fieldset>
  );
}
