import { useModuleMessages } from '../../../shared/i18n';
import type { MessageTemplate } from '../../inbox/composer/templates';
import { Field } from '../../settings/ui/Field';
import type { TemplateCategory } from '../notify.api';
import type { FieldErrors } from '../ui/field-errors';
import type { InsertTarget, TemplateValues } from './template-form';
import { templatesMessages } from './templates.messages';
import { WhatsappVariantFields } from './WhatsappVariantFields';

/** The template's fields (name, category, free text, WhatsApp variant, SMS), each with the API's message. */
export function TemplateFields({
  values,
  errors,
  metaTemplates,
  onChange,
  onFocusTarget,
}: {
  values: TemplateValues;
  errors: FieldErrors;
  metaTemplates: MessageTemplate[] | null;
  onChange: (values: TemplateValues) => void;
  onFocusTarget: (target: InsertTarget) => void;
}) {
  const t = useModuleMessages(templatesMessages);
  return (
    <>
      <div className="notify-pair">
        <Field label={t('name')} error={errors.name}>
          {(props) => (
            <input
              {...props}
              required
              maxLength={200}
              value={values.name}
              onChange={(event) => onChange({ ...values, name: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('category')} error={errors.category}>
          {(props) => (
            <select
              {...props}
              value={values.category}
              onChange={(event) => onChange({ ...values, category: event.target.value as TemplateCategory })}
            >
              <option value="utility">{t('category.utility')}</option>
              <option value="marketing">{t('category.marketing')}</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={t('text')} hint={t('textHint')} error={errors.text}>
        {(props) => (
          <textarea
            {...props}
            rows={4}
            maxLength={4096}
            value={values.text}
            onFocus={() => onFocusTarget('text')}
            onChange={(event) => onChange({ ...values, text: event.target.value })}
          />
        )}
      </Field>
      <WhatsappVariantFields
        values={values.whatsapp}
        errors={errors}
        metaTemplates={metaTemplates}
        onChange={(whatsapp) => onChange({ ...values, whatsapp })}
        onFocusTarget={onFocusTarget}
      />
      <Field label={t('sms')} hint={t('smsHint', { count: values.sms.length })} error={errors.sms}>
        {(props) => (
          <textarea
            {...props}
            rows={3}
            maxLength={1600}
            value={values.sms}
            onFocus={() => onFocusTarget('sms')}
            onChange={(event) => onChange({ ...values, sms: event.target.value })}
          />
        )}
      </Field>
    </>
  );
}
