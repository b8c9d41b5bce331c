import { useModuleMessages } from '../../../shared/i18n';
import { componentOf, type MessageTemplate } from '../../inbox/composer/templates';
import { Field } from '../../settings/ui/Field';
import type { FieldErrors } from '../ui/field-errors';
import { applyMetaTemplate, type InsertTarget, type ParamSlot, type WhatsappValues } from './template-form';
import { templatesMessages } from './templates.messages';

const approvedOnly = (templates: MessageTemplate[]) =>
  templates.filter((template) => template.status.toUpperCase() === 'APPROVED');
const pickKey = (template: Pick<MessageTemplate, 'name' | 'language'>) => `${template.name}|${template.language}`;
const chosenKey = (values: WhatsappValues) => `${values.template_name}|${values.language}`;

/**
 * The WhatsApp variant: a picker over the inbox's approved Meta templates (which shapes one input per
 * {{parameter}} and per quick-reply button) or, with none synced, the name typed by hand.
 */
export function WhatsappVariantFields({
  values,
  errors,
  metaTemplates,
  onChange,
  onFocusTarget,
}: {
  values: WhatsappValues;
  errors: FieldErrors;
  /** The inbox's synced templates; null while loading. */
  metaTemplates: MessageTemplate[] | null;
  onChange: (values: WhatsappValues) => void;
  onFocusTarget: (target: InsertTarget) => void;
}) {
  const t = useModuleMessages(templatesMessages);
  const approved = approvedOnly(metaTemplates ?? []);
  const chosen = approved.find((template) => pickKey(template) === chosenKey(values));
  const body = chosen ? componentOf(chosen, 'BODY')?.text : undefined;
  const synced = approved.length > 0;

  const setSlot = (part: 'header' | 'body', index: number, patch: Partial<ParamSlot>) =>
    onChange({
      ...values,
      [part]: values[part].map((slot, position) => (position === index ? { ...slot, ...patch } : slot)),
    });
  const slotError = (part: 'header' | 'body', index: number, slot: ParamSlot) =>
    errors[`whatsapp.${part}.${values.named ? slot.key : index}`] ?? errors[`whatsapp.${part}`];

  return (
    <fieldset className="settings-fieldset notify-whatsapp">
      <legend>{t('whatsapp')}</legend>
      <label className="settings-check">
        <input
          type="checkbox"
          checked={values.enabled}
          onChange={(event) => onChange({ ...values, enabled: event.target.checked })}
        />
        <span>{t('useWhatsapp')}</span>
      </label>
      {errors.whatsapp && <p className="settings-field-error">{errors.whatsapp}</p>}
      {values.enabled && (
        <>
          {metaTemplates === null ? (
            <p className="muted" role="status">
              {t('loadingTemplates')}
            </p>
          ) : synced ? (
            <Field label={t('metaTemplate')} error={errors['whatsapp.template_name'] ?? errors['whatsapp.language']}>
              {(props) => (
                <select
                  {...props}
                  value={chosen ? pickKey(chosen) : ''}
                  onChange={(event) => {
                    const picked = approved.find((template) => pickKey(template) === event.target.value);
                    if (picked) onChange(applyMetaTemplate(values, picked));
                  }}
                >
                  <option value="">{t('chooseTemplate')}</option>
                  {approved.map((template) => (
                    <option key={pickKey(template)} value={pickKey(template)}>
                      {template.name} ({template.language})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <>
              <p className="settings-hint">{t('noSynced')}</p>
              <div className="notify-pair">
                <Field label={t('templateName')} error={errors['whatsapp.template_name']}>
                  {(props) => (
                    <input
                      {...props}
                      value={values.template_name}
                      onChange={(event) => onChange({ ...values, template_name: event.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('language')} error={errors['whatsapp.language']}>
                  {(props) => (
                    <input
                      {...props}
                      value={values.language}
                      maxLength={6}
                      onChange={(event) => onChange({ ...values, language: event.target.value })}
                    />
                  )}
                </Field>
              </div>
            </>
          )}
          {body !== undefined && (
            <div className="notify-approved">
              <strong>{t('approvedBody')}</strong>
              <p className="notify-pre">{body}</p>
            </div>
          )}
          {(['header', 'body'] as const).map((part) =>
            values[part].map((slot, index) => (
              <Field
                // biome-ignore lint/suspicious/noArrayIndexKey: a slot is its position in Meta's template.
                key={`${part}-${index}`}
                label={t(part === 'header' ? 'headerParam' : 'bodyParam', { key: slot.key || String(index + 1) })}
                error={slotError(part, index, slot)}
              >
                {(props) => (
                  <input
                    {...props}
                    value={slot.value}
                    onFocus={() => onFocusTarget(`whatsapp.${part}.${index}`)}
                    onChange={(event) => setSlot(part, index, { value: event.target.value })}
                  />
                )}
              </Field>
            )),
          )}
          {!synced && metaTemplates !== null && (
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                onChange({ ...values, body: [...values.body, { key: String(values.body.length + 1), value: '' }] })
              }
            >
              {t('addParam')}
            </button>
          )}
          {values.buttons.map((button, index) => (
            <Field
              // biome-ignore lint/suspicious/noArrayIndexKey: payloads go by button position.
              key={`button-${index}`}
              label={t('buttonPayload', { text: button.text })}
              hint={index === 0 ? t('buttonHint') : undefined}
              error={errors[`whatsapp.buttons.${index}`]}
            >
              {(props) => (
                <input
                  {...props}
                  value={button.payload}
                  onChange={(event) =>
                    onChange({
                      ...values,
                      buttons: values.buttons.map((item, position) =>
                        position === index ? { ...item, payload: event.target.value } : item,
                      ),
                    })
                  }
                />
              )}
            </Field>
          ))}
        </>
      )}
    </fieldset>
  );
}
