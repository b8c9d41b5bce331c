import { useCallback, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { Link, navigate } from '../../../shared/router';
import { ConfirmDialog } from '../../settings/ui/ConfirmDialog';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { NotificationTemplate, NotifyApi } from '../notify.api';
import { notifyMessages } from '../notify.messages';
import { TemplateEditor } from './TemplateEditor';
import { templatesMessages } from './templates.messages';

const ROOT = '/notificacoes/modelos';

/** The templates as a list: name, category and which variants each has. */
export function TemplateList({
  templates,
  canEdit,
  onDelete,
}: {
  templates: NotificationTemplate[];
  canEdit: boolean;
  onDelete: (template: NotificationTemplate) => void;
}) {
  const t = useModuleMessages(templatesMessages);
  const common = useModuleMessages(notifyMessages);
  return (
    <ul className="settings-list" aria-label={t('list')}>
      {templates.map((template) => (
        <li key={template.id} className="settings-row">
          <div>
            <strong>{template.name}</strong>{' '}
            <span className="settings-badge">{t(`categoryShort.${template.category}`)}</span>
            <p className="settings-hint">
              {t('variants')}:{' '}
              {(['text', 'whatsapp', 'sms'] as const)
                .filter((variant) => template[variant] !== null)
                .map((variant) => t(`variant.${variant}`))
                .join(' · ')}
              {template.whatsapp && <span className="muted"> ({template.whatsapp.template_name})</span>}
            </p>
          </div>
          {canEdit && (
            <div className="settings-actions">
              <Link
                to={`${ROOT}/${template.id}`}
                className="button-link secondary small"
                aria-label={t('editOf', { name: template.name })}
              >
                {common('edit')}
              </Link>
              <button
                type="button"
                className="danger small"
                aria-label={t('deleteOf', { name: template.name })}
                onClick={() => onDelete(template)}
              >
                {common('delete')}
              </button>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function EditTemplate({ api, id, onDone }: { api: NotifyApi; id: number; onDone: () => void }) {
  const common = useModuleMessages(notifyMessages);
  const load = useCallback(() => api.templates.get(id), [api, id]);
  const loaded = useLoad(load, common('genericError'));
  return (
    <LoadState loaded={loaded} isEmpty={() => false} empty={null}>
      {(template) => <TemplateEditor api={api} template={template} onSaved={onDone} onCancel={() => navigate(ROOT)} />}
    </LoadState>
  );
}

/** /notificacoes/modelos[/novo|/:id]: the list, and the editor for a new or an existing template. */
export function TemplatesPage({ api, path, isAdmin }: { api: NotifyApi; path: string[]; isAdmin: boolean }) {
  const t = useModuleMessages(templatesMessages);
  const common = useModuleMessages(notifyMessages);
  const templates = useLoad(api.templates.list, common('genericError'));
  const [deleting, setDeleting] = useState<NotificationTemplate | null>(null);
  const [first] = path;
  // The list stays mounted under the editor's URL: it is reloaded once a template is saved.
  const done = () => {
    void templates.reload();
    navigate(ROOT);
  };

  if (first === 'novo' && isAdmin) {
    return <TemplateEditor api={api} template={null} onSaved={done} onCancel={() => navigate(ROOT)} />;
  }
  if (first && /^\d+$/.test(first) && isAdmin)
    return <EditTemplate key={first} api={api} id={Number(first)} onDone={done} />;

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{t('intro')}</p>
        {isAdmin && (
          <Link to={`${ROOT}/novo`} className="button-link primary">
            {t('new')}
          </Link>
        )}
      </div>
      <LoadState loaded={templates} isEmpty={(list) => list.length === 0} empty={<p>{t('empty')}</p>}>
        {(list) => <TemplateList templates={list} canEdit={isAdmin} onDelete={setDeleting} />}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={t('deleteOf', { name: deleting.name })}
          detail={t('deleteDetail')}
          onConfirm={async () => {
            await api.templates.remove(deleting.id);
            templates.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
