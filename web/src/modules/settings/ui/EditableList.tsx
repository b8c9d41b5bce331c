import { Fragment, type ReactNode, useState } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { settingsMessages } from '../settings.messages';
import { ConfirmDialog } from './ConfirmDialog';
import { LoadState } from './LoadState';
import type { Loaded } from './use-load';

export interface ListFormProps<T> {
  /** null: creating a new one. */
  item: T | null;
  onCancel: () => void;
  onSaved: (saved: T) => void;
}

/**
 * The settings pattern for a list of things an administrator creates, edits and deletes (labels, teams,
 * canned responses, service types): a "new" button, the form in place of the list's top while editing,
 * each row with its edit and delete buttons, and a confirmation before deleting. The section supplies
 * the words, the form and how a row looks; the list keeps itself sorted after a save.
 */
export function EditableList<T extends { id: number }>({
  loaded,
  sort,
  texts,
  form,
  renderItem,
  extraActions,
  editText,
  remove,
}: {
  loaded: Loaded<T[]>;
  sort: (a: T, b: T) => number;
  texts: {
    intro: string;
    new: string;
    list: string;
    empty: string;
    editOf: (item: T) => string;
    deleteOf: (item: T) => string;
  };
  form: (props: ListFormProps<T>) => ReactNode;
  /** The row (an <li>), with the action buttons where the layout wants them. */
  renderItem: (item: T, actions: ReactNode) => ReactNode;
  /** Buttons before "Editar" (e.g. a team's members). */
  extraActions?: (item: T) => ReactNode;
  /** The edit button's text, when "Editar" is not the word (e.g. "Renomear"). */
  editText?: string;
  remove: { name: (item: T) => string; detail?: string; run: (item: T) => Promise<unknown> };
}) {
  const common = useModuleMessages(settingsMessages);
  const [editing, setEditing] = useState<T | 'new' | null>(null);
  const [deleting, setDeleting] = useState<T | null>(null);

  const actions = (item: T) => (
    <div className="settings-actions">
      {extraActions?.(item)}
      <button
        type="button"
        className="secondary small"
        aria-label={texts.editOf(item)}
        onClick={() => setEditing(item)}
      >
        {editText ?? common('edit')}
      </button>
      <button
        type="button"
        className="danger small"
        aria-label={texts.deleteOf(item)}
        onClick={() => setDeleting(item)}
      >
        {common('delete')}
      </button>
    </div>
  );

  return (
    <>
      <div className="settings-heading">
        <p className="muted">{texts.intro}</p>
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {texts.new}
          </button>
        )}
      </div>
      {editing !== null && (
        <Fragment key={editing === 'new' ? 'new' : editing.id}>
          {form({
            item: editing === 'new' ? null : editing,
            onCancel: () => setEditing(null),
            onSaved: (saved) => {
              loaded.setData((list) => [...(list ?? []).filter((item) => item.id !== saved.id), saved].sort(sort));
              setEditing(null);
            },
          })}
        </Fragment>
      )}
      <LoadState loaded={loaded} isEmpty={(list) => list.length === 0} empty={<p>{texts.empty}</p>}>
        {(list) => (
          <ul className="settings-list" aria-label={texts.list}>
            {list.map((item) => (
              <Fragment key={item.id}>{renderItem(item, actions(item))}</Fragment>
            ))}
          </ul>
        )}
      </LoadState>
      {deleting && (
        <ConfirmDialog
          message={common('confirmDelete', { name: remove.name(deleting) })}
          detail={remove.detail}
          onConfirm={async () => {
            await remove.run(deleting);
            loaded.setData((list) => (list ?? []).filter((item) => item.id !== deleting.id));
          }}
          onClose={() => setDeleting(null)}
        />
      )}
    </>
  );
}
