import { useCallback, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
import { errorMessage } from '../../settings/ui/errors';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import { type NotificationRule, type NotificationTemplate, type NotifyApi, TIMED_TRIGGERS } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { RuleForm } from './RuleForm';
import { splitOffset } from './rule-offset';
import { rulesMessages } from './rules.messages';

type RulesT = (key: keyof (typeof rulesMessages)['pt-BR'], vars?: Record<string, string | number>) => string;

/** "Antes do início do evento · 24 horas… → 1 dia antes do início". */
export function describeWhen(rule: Pick<NotificationRule, 'trigger' | 'offset_minutes'>, t: RulesT): string {
  const trigger = t(`trigger.${rule.trigger}`);
  if (!TIMED_TRIGGERS.includes(rule.trigger)) return trigger;
  const { amount, unit } = splitOffset(rule.offset_minutes);
  const unitName = t(amount === 1 ? `unitOne.${unit}` : `unit.${unit}`);
  return t(`offsetText.${rule.trigger as 'event.before_start' | 'event.after_end'}`, { amount, unit: unitName });
}

/** The rules: when, to whom, which template, and a switch to turn each on or off. */
export function RuleList({
  rules,
  templates,
  canEdit,
  busy,
  onToggle,
  onEdit,
  onDelete,
}: {
  rules: NotificationRule[];
  templates: NotificationTemplate[];
  canEdit: boolean;
  busy: boolean;
  onToggle: (rule: NotificationRule, active: boolean) => void;
  onEdit: (rule: NotificationRule) => void;
  onDelete: (rule: NotificationRule) => void;
}) {
  const t = useModuleMessages(rulesMessages);
  const common = useModuleMessages(notifyMessages);
  const templateName = (id: number | null) => templates.find((template) => template.id === id)?.name;
  return (
    <ul className="settings-list" aria-label={t('list')}>
      {rules.map((rule) => (
        <li key={rule.id} className="settings-row" data-active={rule.active}>
          <div>
            <strong>{rule.name}</strong>{' '}
            {rule.essential && <span className="settings-badge">{t('essentialShort')}</span>}
            <p className="settings-hint">
              {describeWhen(rule, t)} · {t(`audience.${rule.audience}`)} ·{' '}
              {templateName(rule.template_id) ?? <em>{t('noTemplateShort')}</em>}
            </p>
          </div>
          <div className="settings-actions">
            <label className="settings-check">
              <input
                type="checkbox"
                checked={rule.active}
                disabled={!canEdit || busy || (!rule.active && rule.template_id === null)}
                aria-label={t('activeOf', { name: rule.name })}
                title={!rule.active && rule.template_id === null ? t('needsTemplate') : undefined}
                onChange={(event) => onToggle(rule, event.target.checked)}
              />
              <span aria-hidden="true">{rule.active ? t('active') : t('inactive')}</span>
            </label>
            {canEdit && (
              <>
                <button
                  type="button"
                  className="secondary small"
                  aria-label={t('editOf', { name: rule.name })}
                  onClick={() => onEdit(rule)}
                >
                  {common('edit')}
                </button>
                <button
                  type="button"
                  className="danger small"
                  aria-label={t('deleteOf', { name: rule.name })}
                  onClick={() => onDelete(rule)}
                >
                  {common('delete')}
                </button>
              </>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** /notificacoes/regras: the account's notification rules (the four defaults start disabled). */
export function RulesPage({ api, isAdmin }: { api: NotifyApi; isAdmin: boolean }) {
  const t = useModuleMessages(rulesMessages);
  const common = useModuleMessages(notifyMessages);
  const load = useCallback(() => Promise.all([api.rules.list(), api.templates.list()]), [api]);
  const loaded = useLoad(load, common('genericError'));
  const [editing, setEditing] = useState<NotificationRule | 'new' | null>(null);
  const [deleting, setDeleting] = useState<NotificationRule | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const replace = (saved: NotificationRule) =>
    loaded.setData((data) => {
      if (!data) return data;
      const [rules, templates] = data;
      const known = rules.some((rule) => rule.id === saved.id);
      return [known ? rules.map((rule) => (rule.id === saved.id ? saved : rule)) : [...rules, saved], templates];
    });

  async function toggle(rule: NotificationRule, active: boolean) {
    setBusy(true);
    setError(null);
    try {
      replace(await api.rules.update(rule.id, { active }));
    } catch (caught) {
      setError(errorMessage(caught, common('genericError')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {isAdmin && editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {t('new')}
          </button>
        )}
      </div>
      {editing !== null && loaded.data && (
        <RuleForm
          key={editing === 'new' ? 'new' : editing.id}
          api={api}
          rule={editing === 'new' ? null : editing}
          templates={loaded.data[1]}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            replace(saved);
            setEditing(null);
          }}
        />
      )}
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <LoadState loaded={loaded} isEmpty={([rules]) => rules.length === 0} empty={<p>{t('empty')}</p>}>
        {([rules, templates]) => (
          <RuleList
            rules={rules}
            templates={templates}
            canEdit={isAdmin}
            busy={busy}
            onToggle={(rule, active) => void toggle(rule, active)}
            onEdit={setEditing}
            onDelete={setDeleting}
          />
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={t('deleteOf', { name: deleting.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.rules.remove(deleting.id);
            loaded.setData((data) => (data ? [data[0].filter((rule) => rule.id !== deleting.id), data[1]] : data));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
