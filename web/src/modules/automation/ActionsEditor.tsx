import { useRef, useState } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Field } from '../settings/ui/Field';
import { ActionParams } from './ActionParams';
import type { RuleAction, RuleOptions } from './automation.api';
import { automationMessages } from './automation.messages';
import { type ActionName, type AutomationEvent, actionsFor } from './automation-catalog';
import { actionError, catalogLabel } from './rule-form';

/** The rule's actions, in order: which one, and its parameters. Mount it with a key per event. */
export function ActionsEditor({
  event,
  actions,
  options,
  errors,
  onChange,
}: {
  event: AutomationEvent;
  actions: RuleAction[];
  options: RuleOptions | null;
  errors: Record<string, string>;
  onChange: (actions: RuleAction[]) => void;
}) {
  const t = useModuleMessages(automationMessages);
  const names = actionsFor(event);
  const nextKey = useRef(actions.length);
  const [keys, setKeys] = useState(() => actions.map((_, index) => index));
  const replace = (index: number, next: RuleAction) =>
    onChange(actions.map((action, position) => (position === index ? next : action)));

  return (
    <fieldset className="settings-fieldset automation-actions">
      <legend>{t('actions')}</legend>
      {errors.actions && <p className="settings-field-error">{errors.actions}</p>}
      <datalist id="automation-labels">
        {(options?.labels ?? []).map((label) => (
          <option key={label} value={label} />
        ))}
      </datalist>
      <ol className="automation-rows">
        {actions.map((action, index) => {
          const n = index + 1;
          const key = keys[index] ?? `extra-${index}`;
          return (
            <li key={key} className="automation-row">
              <div className="automation-row-fields">
                <Field label={t('actionName', { n })} error={errors[`actions.${index}.action_name`]}>
                  {(props) => (
                    <select
                      {...props}
                      value={action.action_name}
                      onChange={(e) => {
                        // Another action: fresh parameters (and fresh inputs, through a new key).
                        setKeys((current) =>
                          current.map((item, position) => (position === index ? nextKey.current++ : item)),
                        );
                        replace(index, { action_name: e.target.value as ActionName, action_params: [] });
                      }}
                    >
                      {names.map((name) => (
                        <option key={name} value={name}>
                          {catalogLabel(t, 'action', name)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <ActionParams
                  key={`${key}-${action.action_name}`}
                  name={action.action_name}
                  params={action.action_params}
                  n={n}
                  options={options}
                  error={actionError(errors, index)}
                  onChange={(params) => replace(index, { ...action, action_params: params })}
                />
              </div>
              <div className="automation-row-tail">
                <button
                  type="button"
                  className="secondary small"
                  aria-label={t('removeAction', { n })}
                  disabled={actions.length === 1}
                  onClick={() => {
                    setKeys((current) => current.filter((_, position) => position !== index));
                    onChange(actions.filter((_, position) => position !== index));
                  }}
                >
                  ×
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        className="secondary small"
        onClick={() => {
          setKeys((current) => [...current, nextKey.current++]);
          onChange([...actions, { action_name: names[0] ?? 'add_label', action_params: [] }]);
        }}
      >
        {t('addAction')}
      </button>
    </fieldset>
  );
}
