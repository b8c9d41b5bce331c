import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { saveProblems } from '../notify/ui/field-errors';
import { Field, FormFooter } from '../settings/ui/Field';
import { ActionsEditor } from './ActionsEditor';
import type { AutomationApi, AutomationRule, AutomationRuleInput, RuleOptions } from './automation.api';
import { automationMessages } from './automation.messages';
import { AUTOMATION_EVENTS, type AutomationEvent } from './automation-catalog';
import { ConditionsEditor } from './ConditionsEditor';
import { catalogLabel, inputOf, NEW_RULE, withEvent } from './rule-form';

// Every field the API can name is shown beside its input (conditions and actions row by row).
const SHOWN = /^(name|description|event_name|actions|conditions\.\d+\.\w+|actions\.\d+(\..+)?)$/;
const isShown = (field: string) => SHOWN.test(field);

/** A rule's editor: name, event, conditions and actions; the API's 422 lands beside the field it names. */
export function AutomationRuleForm({
  api,
  rule,
  options,
  initialErrors = {},
  onSaved,
  onCancel,
}: {
  api: AutomationApi;
  rule: AutomationRule | null;
  options: RuleOptions | null;
  initialErrors?: Record<string, string>;
  onSaved: (rule: AutomationRule) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(automationMessages);
  const [values, setValues] = useState<AutomationRuleInput>(() => (rule ? inputOf(rule) : NEW_RULE));
  const [errors, setErrors] = useState(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setAlert(null);
    setErrors({});
    const input = { ...values, name: values.name.trim(), description: values.description.trim() };
    try {
      onSaved(rule ? await api.update(rule.id, input) : await api.create(input));
    } catch (caught) {
      const problems = saveProblems(caught, { generic: t('genericError'), fixFields: t('fixFields') }, { isShown });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card automation-form" onSubmit={submit} noValidate>
      <h3>{rule ? t('editTitle', { name: rule.name }) : t('newTitle')}</h3>
      <Field label={t('name')} error={errors.name}>
        {(props) => (
          <input
            {...props}
            required
            maxLength={255}
            value={values.name}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('description')} error={errors.description}>
        {(props) => (
          <input
            {...props}
            maxLength={2000}
            value={values.description}
            onChange={(e) => setValues({ ...values, description: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('event')} error={errors.event_name}>
        {(props) => (
          <select
            {...props}
            value={values.event_name}
            onChange={(e) => setValues(withEvent(values, e.target.value as AutomationEvent))}
          >
            {AUTOMATION_EVENTS.map((name) => (
              <option key={name} value={name}>
                {catalogLabel(t, 'event', name)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ConditionsEditor
        key={`conditions-${values.event_name}`}
        event={values.event_name}
        conditions={values.conditions}
        options={options}
        errors={errors}
        onChange={(conditions) => setValues({ ...values, conditions })}
      />
      <ActionsEditor
        key={`actions-${values.event_name}`}
        event={values.event_name}
        actions={values.actions}
        options={options}
        errors={errors}
        onChange={(actions) => setValues({ ...values, actions })}
      />
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.active}
          onChange={(e) => setValues({ ...values, active: e.target.checked })}
        />
        <span>{t('active')}</span>
      </label>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} submitLabel={t('save')} />
    </form>
  );
}
