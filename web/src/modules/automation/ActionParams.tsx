import { useState } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Field } from '../settings/ui/Field';
import type { RuleOptions } from './automation.api';
import { type AutomationKey, automationMessages } from './automation.messages';
import { ACTIONS, type ActionName, CONVERSATION_STATUSES, PRIORITIES } from './automation-catalog';
import { catalogLabel, splitValues } from './rule-form';

type Params = unknown[];
const first = (params: Params) => params[0];
const objectOf = (params: Params) =>
  first(params) && typeof first(params) === 'object' ? (first(params) as Record<string, unknown>) : {};
const numberOrNothing = (text: string) => (/^\d+$/.test(text.trim()) ? [Number(text.trim())] : []);

/** The inputs for one action's parameters, in Chatwoot's array shape (`["texto"]`, `[3]`, `[{…}]`). */
export function ActionParams({
  name,
  params,
  n,
  options,
  error,
  onChange,
}: {
  name: ActionName;
  params: Params;
  n: number;
  options: RuleOptions | null;
  error: string | undefined;
  onChange: (params: Params) => void;
}) {
  const t = useModuleMessages(automationMessages);
  const kind = ACTIONS[name];
  const [typed, setTyped] = useState(() => (kind === 'labels' ? params.join(', ') : String(first(params) ?? '')));
  const label = (key: AutomationKey) => t(key, { n });

  const select = (key: AutomationKey, items: Array<{ value: string | number; label: string }>, numeric: boolean) => (
    <Field label={label(key)} error={error}>
      {(props) => (
        <select
          {...props}
          value={String(first(params) ?? '')}
          onChange={(e) => onChange(e.target.value ? [numeric ? Number(e.target.value) : e.target.value] : [])}
        >
          <option value="">{t('choose')}</option>
          {items.map((item) => (
            <option key={item.value} value={item.value}>
              {item.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  const named = (list: Array<{ id: number; name: string }> | undefined) =>
    (list ?? []).map((item) => ({ value: item.id, label: item.name }));
  const words = (values: readonly string[]) =>
    values.map((value) => ({ value, label: catalogLabel(t, 'value', value) }));

  switch (kind) {
    case 'none':
      return <p className="muted">{t('noParams')}</p>;
    case 'text':
      return (
        <Field label={label('param.text')} error={error}>
          {(props) => (
            <textarea
              {...props}
              rows={3}
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
                onChange(e.target.value.trim() ? [e.target.value] : []);
              }}
            />
          )}
        </Field>
      );
    case 'labels':
      return (
        <Field label={label('param.labels')} error={error}>
          {(props) => (
            <input
              {...props}
              list="automation-labels"
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
                onChange(splitValues(e.target.value));
              }}
            />
          )}
        </Field>
      );
    case 'agent':
      return select('param.agent', named(options?.agents), true);
    case 'team':
      return select('param.team', named(options?.teams), true);
    case 'template':
      return select('param.template', named(options?.templates), true);
    case 'stage':
      return select('param.stage', named(options?.stages), true);
    case 'status':
      return select('param.status', words(CONVERSATION_STATUSES), false);
    case 'priority':
      return select('param.priority', words(PRIORITIES), false);
    case 'minutes':
    case 'attachment':
    case 'url':
      return (
        <Field
          label={label(kind === 'minutes' ? 'param.minutes' : kind === 'attachment' ? 'param.attachment' : 'param.url')}
          error={error}
        >
          {(props) => (
            <input
              {...props}
              type={kind === 'url' ? 'url' : 'text'}
              inputMode={kind === 'url' ? undefined : 'numeric'}
              value={typed}
              onChange={(e) => {
                setTyped(e.target.value);
                onChange(
                  kind === 'url'
                    ? e.target.value.trim()
                      ? [e.target.value.trim()]
                      : []
                    : numberOrNothing(e.target.value),
                );
              }}
            />
          )}
        </Field>
      );
    case 'deal': {
      const deal = objectOf(params);
      const set = (patch: Record<string, unknown>) => {
        const next = Object.fromEntries(
          Object.entries({ ...deal, ...patch }).filter(([, value]) => value !== '' && value !== undefined),
        );
        onChange(Object.keys(next).length > 0 ? [next] : []);
      };
      return (
        <>
          <Field label={label('param.dealTitle')} error={error}>
            {(props) => (
              <input
                {...props}
                value={String(deal.title ?? '')}
                onChange={(e) => set({ title: e.target.value || undefined })}
              />
            )}
          </Field>
          <Field label={label('param.stage')}>
            {(props) => (
              <select
                {...props}
                value={String(deal.stage_id ?? '')}
                onChange={(e) => set({ stage_id: e.target.value ? Number(e.target.value) : undefined })}
              >
                <option value="">{t('choose')}</option>
                {(options?.stages ?? []).map((stage) => (
                  <option key={stage.id} value={stage.id}>
                    {stage.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </>
      );
    }
    case 'dispatch': {
      const dispatch = objectOf(params);
      const set = (patch: Record<string, unknown>) => {
        const next = Object.fromEntries(
          Object.entries({ strategy: 'sequential', ...dispatch, ...patch }).filter(([, value]) => value !== undefined),
        );
        onChange([next]);
      };
      return (
        <>
          <Field label={label('param.service')} error={error}>
            {(props) => (
              <select
                {...props}
                value={String(dispatch.service ?? '')}
                onChange={(e) => set({ service: e.target.value || undefined })}
              >
                <option value="">{t('choose')}</option>
                {(options?.services ?? []).map((service) => (
                  <option key={service} value={service}>
                    {service}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={label('param.strategy')}>
            {(props) => (
              <select
                {...props}
                value={String(dispatch.strategy ?? 'sequential')}
                onChange={(e) => set({ strategy: e.target.value })}
              >
                <option value="sequential">{t('strategy.sequential')}</option>
                <option value="broadcast">{t('strategy.broadcast')}</option>
              </select>
            )}
          </Field>
          <Field label={label('param.ttl')}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                value={String(dispatch.offer_ttl_minutes ?? '')}
                onChange={(e) => set({ offer_ttl_minutes: numberOrNothing(e.target.value)[0] })}
              />
            )}
          </Field>
        </>
      );
    }
  }
}
