import { useRef, useState } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Field } from '../settings/ui/Field';
import type { RuleCondition, RuleOptions } from './automation.api';
import { automationMessages } from './automation.messages';
import { ATTRIBUTES, type AttributeSpec, type AutomationEvent, type FilterOperator } from './automation-catalog';
import { catalogLabel, needsValue, newCondition, operatorsOf, specOf, splitValues, withAttribute } from './rule-form';

type Errors = Record<string, string>;

function ValueInput({
  condition,
  spec,
  n,
  options,
  error,
  onChange,
}: {
  condition: RuleCondition;
  spec: AttributeSpec | 'custom' | undefined;
  n: number;
  options: RuleOptions | null;
  error: string | undefined;
  onChange: (values: RuleCondition['values']) => void;
}) {
  const t = useModuleMessages(automationMessages);
  // The typed text (commas, spaces) stays as typed; the rule gets the values it splits into.
  const [typed, setTyped] = useState(() => condition.values.join(', '));
  const label = t('value', { n });
  if (spec !== 'custom' && spec?.type === 'enum' && spec.values) {
    return (
      <fieldset className="automation-values" aria-invalid={error ? true : undefined}>
        <legend>{label}</legend>
        {spec.values.map((value) => (
          <label key={value} className="settings-check">
            <input
              type="checkbox"
              checked={condition.values.includes(value)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? [...condition.values, value]
                    : condition.values.filter((item) => item !== value),
                )
              }
            />
            <span>{catalogLabel(t, 'value', value)}</span>
          </label>
        ))}
        {error && <p className="settings-field-error">{error}</p>}
      </fieldset>
    );
  }
  const listed = spec !== 'custom' && spec?.options ? (options?.[spec.options] ?? []) : null;
  return (
    <Field label={label} hint={listed ? undefined : t('valuesHint')} error={error}>
      {(props) =>
        listed ? (
          <select
            {...props}
            value={String(condition.values[0] ?? '')}
            onChange={(event) => onChange(event.target.value ? [Number(event.target.value)] : [])}
          >
            <option value="">{t('choose')}</option>
            {listed.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...props}
            type={condition.filter_operator === 'days_before' ? 'number' : 'text'}
            value={typed}
            onChange={(event) => {
              setTyped(event.target.value);
              onChange(splitValues(event.target.value, spec !== 'custom' && spec?.type === 'id'));
            }}
          />
        )
      }
    </Field>
  );
}

/**
 * The rule's conditions: attribute, operator, values, and AND/OR to the next one (Chatwoot's chaining).
 * Mount it with a key per event: another event drops the conditions it cannot evaluate.
 */
export function ConditionsEditor({
  event,
  conditions,
  options,
  errors,
  onChange,
}: {
  event: AutomationEvent;
  conditions: RuleCondition[];
  options: RuleOptions | null;
  errors: Errors;
  onChange: (conditions: RuleCondition[]) => void;
}) {
  const t = useModuleMessages(automationMessages);
  const attributes = Object.keys(ATTRIBUTES[event]);
  // Stable row keys, so removing a row does not hand its typed text to the next one.
  const nextKey = useRef(conditions.length);
  const [keys, setKeys] = useState(() => conditions.map((_, index) => index));
  const add = () => {
    setKeys((current) => [...current, nextKey.current++]);
    onChange([...conditions, newCondition(event)]);
  };
  const remove = (index: number) => {
    setKeys((current) => current.filter((_, position) => position !== index));
    onChange(conditions.filter((_, position) => position !== index));
  };
  const update = (index: number, next: RuleCondition) =>
    onChange(conditions.map((condition, position) => (position === index ? next : condition)));

  return (
    <fieldset className="settings-fieldset automation-conditions">
      <legend>{t('conditions')}</legend>
      {conditions.length === 0 && <p className="muted">{t('noConditions')}</p>}
      <ol className="automation-rows">
        {conditions.map((condition, index) => {
          const n = index + 1;
          const spec = specOf(event, condition);
          const at = (field: string) => errors[`conditions.${index}.${field}`];
          return (
            <li key={keys[index] ?? `extra-${index}`} className="automation-row">
              <div className="automation-row-fields">
                <Field label={t('attribute', { n })} error={at('attribute_key') ?? at('custom_attribute_type')}>
                  {(props) =>
                    spec === 'custom' ? (
                      <input {...props} value={condition.attribute_key} readOnly />
                    ) : (
                      <select
                        {...props}
                        value={condition.attribute_key}
                        onChange={(e) => update(index, withAttribute(event, condition, e.target.value))}
                      >
                        {!spec && <option value={condition.attribute_key}>{condition.attribute_key}</option>}
                        {attributes.map((key) => (
                          <option key={key} value={key}>
                            {catalogLabel(t, 'attr', key)}
                          </option>
                        ))}
                      </select>
                    )
                  }
                </Field>
                <Field label={t('operator', { n })} error={at('filter_operator')}>
                  {(props) => (
                    <select
                      {...props}
                      value={condition.filter_operator}
                      onChange={(e) =>
                        update(index, {
                          ...condition,
                          filter_operator: e.target.value as FilterOperator,
                          values: needsValue(e.target.value as FilterOperator) ? condition.values : [],
                        })
                      }
                    >
                      {operatorsOf(spec).map((operator) => (
                        <option key={operator} value={operator}>
                          {catalogLabel(t, 'op', operator)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {needsValue(condition.filter_operator) && (
                  <ValueInput
                    key={`${condition.attribute_key}-${condition.filter_operator}`}
                    condition={condition}
                    spec={spec}
                    n={n}
                    options={options}
                    error={at('values')}
                    onChange={(values) => update(index, { ...condition, values })}
                  />
                )}
              </div>
              <div className="automation-row-tail">
                {index < conditions.length - 1 && (
                  <select
                    aria-label={t('join', { n, next: n + 1 })}
                    value={condition.query_operator ?? 'and'}
                    onChange={(e) => update(index, { ...condition, query_operator: e.target.value as 'and' | 'or' })}
                  >
                    <option value="and">{t('and')}</option>
                    <option value="or">{t('or')}</option>
                  </select>
                )}
                <button
                  type="button"
                  className="secondary small"
                  aria-label={t('removeCondition', { n })}
                  onClick={() => remove(index)}
                >
                  ×
                </button>
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" className="secondary small" onClick={add}>
        {t('addCondition')}
      </button>
    </fieldset>
  );
}
