import { useCallback, useEffect, useMemo, useState } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Link, navigate } from '../../shared/router';
import { ConfirmDialog } from '../settings/ui/ConfirmDialog';
import { errorMessage } from '../settings/ui/errors';
import { LoadState } from '../settings/ui/LoadState';
import { useLoad } from '../settings/ui/use-load';
import { AutomationRuleForm } from './AutomationRuleForm';
import { type AutomationApi, type AutomationRule, automationApi, type RuleOptions } from './automation.api';
import { automationMessages } from './automation.messages';
import { RuleRuns } from './RuleRuns';
import { catalogLabel } from './rule-form';
import './automation.css';

const ROOT = '/notificacoes/automacoes';

/** The rules: event, how many conditions and actions, an on/off switch, edit and delete. */
export function AutomationRuleList({
  rules,
  busy,
  onToggle,
  onDelete,
}: {
  rules: AutomationRule[];
  busy: boolean;
  onToggle: (rule: AutomationRule, active: boolean) => void;
  onDelete: (rule: AutomationRule) => void;
}) {
  const t = useModuleMessages(automationMessages);
  return (
    <ul className="settings-list" aria-label={t('list')}>
      {rules.map((rule) => (
        <li key={rule.id} className="settings-row">
          <div>
            <strong>{rule.name}</strong>
            <p className="settings-hint">
              {catalogLabel(t, 'event', rule.event_name)} · {t('conditions')}: {rule.conditions.length} ·{' '}
              {rule.actions.map((action) => catalogLabel(t, 'action', action.action_name)).join(', ')}
            </p>
            {rule.description && <p className="settings-hint">{rule.description}</p>}
          </div>
          <div className="settings-actions">
            <label className="settings-check">
              <input
                type="checkbox"
                checked={rule.active}
                disabled={busy}
                aria-label={t('activeOf', { name: rule.name })}
                onChange={(event) => onToggle(rule, event.target.checked)}
              />
              <span aria-hidden="true">{rule.active ? t('active') : t('inactive')}</span>
            </label>
            <Link
              to={`${ROOT}/${rule.id}`}
              className="button-link secondary small"
              aria-label={t('editOf', { name: rule.name })}
            >
              {t('edit')}
            </Link>
            <button
              type="button"
              className="danger small"
              aria-label={t('deleteOf', { name: rule.name })}
              onClick={() => onDelete(rule)}
            >
              {t('delete')}
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}

function useRuleOptions(api: AutomationApi): RuleOptions | null {
  const [options, setOptions] = useState<RuleOptions | null>(null);
  useEffect(() => {
    api
      .options()
      .then(setOptions)
      .catch(() =>
        setOptions({ agents: [], teams: [], inboxes: [], labels: [], templates: [], stages: [], services: [] }),
      );
  }, [api]);
  return options;
}

function EditRule({
  api,
  id,
  options,
  onDone,
}: {
  api: AutomationApi;
  id: number;
  options: RuleOptions | null;
  onDone: () => void;
}) {
  const t = useModuleMessages(automationMessages);
  const load = useCallback(() => api.get(id), [api, id]);
  const loaded = useLoad(load, t('genericError'));
  return (
    <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
      {(rule) => (
        <>
          <AutomationRuleForm
            api={api}
            rule={rule}
            options={options}
            onSaved={onDone}
            onCancel={() => navigate(ROOT)}
          />
          <RuleRuns api={api} ruleId={rule.id} />
        </>
      )}
    </LoadState>
  );
}

/** /notificacoes/automacoes[/nova|/:id]: Chatwoot-compatible automation rules, with each rule's execution log. */
export function AutomationRulesPage({ accountId, path }: { accountId: number; path: string[] }) {
  const t = useModuleMessages(automationMessages);
  const api = useMemo(() => automationApi(accountId), [accountId]);
  const options = useRuleOptions(api);
  const rules = useLoad(api.list, t('genericError'));
  const [deleting, setDeleting] = useState<AutomationRule | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [first] = path;
  // The list stays mounted under the editor's URL: it is reloaded once a rule is saved.
  const done = () => {
    void rules.reload();
    navigate(ROOT);
  };

  if (first === 'nova') {
    return (
      <AutomationRuleForm api={api} rule={null} options={options} onSaved={done} onCancel={() => navigate(ROOT)} />
    );
  }
  if (first && /^\d+$/.test(first))
    return <EditRule key={first} api={api} id={Number(first)} options={options} onDone={done} />;

  async function toggle(rule: AutomationRule, active: boolean) {
    setBusy(true);
    setError(null);
    try {
      const saved = await api.update(rule.id, { active });
      rules.setData((list) => (list ?? []).map((item) => (item.id === saved.id ? saved : item)));
    } catch (caught) {
      setError(errorMessage(caught, t('genericError')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        <Link to={`${ROOT}/nova`} className="button-link primary">
          {t('new')}
        </Link>
      </div>
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <LoadState loaded={rules} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => (
          <AutomationRuleList
            rules={list}
            busy={busy}
            onToggle={(rule, active) => void toggle(rule, active)}
            onDelete={setDeleting}
          />
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={t('deleteOf', { name: deleting.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.remove(deleting.id);
            rules.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
