import type { ReactNode } from 'react';
import { useModuleMessages } from '../../../shared/i18n';
import { settingsMessages } from '../settings.messages';
import type { Loaded } from './use-load';

/** Loading, error (with "Tentar de novo") and empty states around a list; `children` renders the data. */
export function LoadState<T>({
  loaded,
  isEmpty,
  empty,
  children,
}: {
  loaded: Loaded<T>;
  isEmpty: (data: T) => boolean;
  empty: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const t = useModuleMessages(settingsMessages);
  if (loaded.error && loaded.data === null) {
    return (
      <div role="alert" className="settings-alert">
        <p>{loaded.error}</p>
        <button type="button" className="secondary" onClick={() => void loaded.reload()}>
          {t('retry')}
        </button>
      </div>
    );
  }
  if (loaded.data === null) {
    return (
      <p className="muted" role="status">
        {t('loading')}
      </p>
    );
  }
  if (isEmpty(loaded.data)) return <div className="settings-empty">{empty}</div>;
  return <>{children(loaded.data)}</>;
}
