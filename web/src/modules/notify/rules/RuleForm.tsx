import { type FormEvent, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { Field, FormFooter } from '../../settings/ui/Field';
import {
  type Audience,
  type NotificationRule,
  type NotificationTemplate,
  type NotifyApi,
  RULE_TRIGGERS,
  type RuleInput,
  type RuleTrigger,
  TIMED_TRIGGERS,
} from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { type FieldErrors, saveProblems } from '../ui/field-errors';
import { joinOffset, type OffsetUnit, splitOffset } from './rule-offset';
import { rulesMessages } from './rules.messages';

interface RuleValues {
  name: string;
  trigger: RuleTrigger;
  offsetAmount: string;
  offsetUnit: OffsetUnit;
  audience: Audience;
  templateId: string;
  essential: boolean;
  active: boolean;
}

function valuesOf(rule: NotificationRule | null): RuleValues {
  const offset = splitOffset(rule?.offset_minutes ?? 24 * 60);
  return {
    name: rule?.name ?? '',
    trigger: rule?.trigger ?? 'event.before_start',
    offsetAmount: String(offset.amount),
    offsetUnit: offset.unit,
    audience: rule?.audience ?? 'client',
    templateId: rule?.template_id ? String(rule.template_id) : '',
    essential: rule?.essential ?? false,
    active: rule?.active ?? false,
  };
}

/** A rule's form; the offset shows only for the triggers anchored to the event's clock. */
export function RuleForm({
  api,
  rule,
  templates,
  initialErrors = {},
  onSaved,
  onCancel,
}: {
  api: NotifyApi;
  rule: NotificationRule | null;
  templates: NotificationTemplate[];
  initialErrors?: FieldErrors;
  onSaved: (rule: NotificationRule) => void;
  onCancel: () => void;
}) {
  const t = useModuleMessages(rulesMessages);
  const common = useModuleMessages(notifyMessages);
  const [values, setValues] = useState<RuleValues>(() => valuesOf(rule));
  const [errors, setErrors] = useState<FieldErrors>(initialErrors);
  const [alert, setAlert] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const timed = TIMED_TRIGGERS.includes(values.trigger);
  const set = (patch: Partial<RuleValues>) => setValues((current) => ({ ...current, ...patch }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const offset = timed ? joinOffset(values.offsetAmount, values.offsetUnit) : 0;
    if (offset === null) {
      setErrors({ offset_minutes: t('offsetInvalid') });
      setAlert(common('fixFields'));
      return;
    }
    if (values.active && !values.templateId) {
      setErrors({ template_id: t('needsTemplate') });
      setAlert(common('fixFields'));
      return;
    }
    const input: RuleInput = {
      name: values.name.trim(),
      trigger: values.trigger,
      offset_minutes: offset,
      audience: values.audience,
      template_id: values.templateId ? Number(values.templateId) : null,
      essential: values.essential,
      active: values.active,
    };
    setSaving(true);
    setAlert(null);
    setErrors({});
    try {
      onSaved(rule ? await api.rules.update(rule.id, input) : await api.rules.create(input));
    } catch (caught) {
      const problems = saveProblems(caught, { generic: common('genericError'), fixFields: common('fixFields') });
      setErrors(problems.errors);
      setAlert(problems.alert);
      setSaving(false);
    }
  }

  return (
    <form className="settings-form settings-card" onSubmit={submit} noValidate>
      <h3>{rule ? t('editTitle', { name: rule.name }) : t('newTitle')}</h3>
      <Field label={t('name')} error={errors.name}>
        {(props) => (
          <input
            {...props}
            required
            maxLength={120}
            value={values.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        )}
      </Field>
      <Field label={t('trigger')} error={errors.trigger}>
        {(props) => (
          <select {...props} value={values.trigger} onChange={(e) => set({ trigger: e.target.value as RuleTrigger })}>
            {RULE_TRIGGERS.map((trigger) => (
              <option key={trigger} value={trigger}>
                {t(`trigger.${trigger}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {timed && (
        <div className="notify-pair">
          <Field label={t('offset')} error={errors.offset_minutes}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={values.offsetAmount}
                onChange={(e) => set({ offsetAmount: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('offsetUnit')}>
            {(props) => (
              <select
                {...props}
                value={values.offsetUnit}
                onChange={(e) => set({ offsetUnit: e.target.value as OffsetUnit })}
              >
                {(['minutes', 'hours', 'days'] as const).map((unit) => (
                  <option key={unit} value={unit}>
                    {t(`unit.${unit}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      <Field label={t('audience')} error={errors.audience}>
        {(props) => (
          <select {...props} value={values.audience} onChange={(e) => set({ audience: e.target.value as Audience })}>
            {(['client', 'providers', 'client_and_providers'] as const).map((audience) => (
              <option key={audience} value={audience}>
                {t(`audience.${audience}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('template')} error={errors.template_id}>
        {(props) => (
          <select {...props} value={values.templateId} onChange={(e) => set({ templateId: e.target.value })}>
            <option value="">{t('noTemplate')}</option>
            {templates.map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <label className="settings-check">
        <input type="checkbox" checked={values.essential} onChange={(e) => set({ essential: e.target.checked })} />
        <span>{t('essential')}</span>
      </label>
      <label className="settings-check">
        <input type="checkbox" checked={values.active} onChange={(e) => set({ active: e.target.checked })} />
        <span>{t('active')}</span>
      </label>
      <FormFooter alert={alert} saving={saving} onCancel={onCancel} />
    </form>
  );
}
