import { useModuleMessages } from '../../../shared/i18n';
import type { VariableCatalog } from '../notify.api';
import type { InsertTarget } from './template-form';
import { templatesMessages } from './templates.messages';

/** The variable catalog beside the editor: each one with what it means, an example and an "Inserir" button. */
export function VariablesHelp({
  catalog,
  target,
  onInsert,
}: {
  catalog: VariableCatalog | null;
  target: InsertTarget;
  onInsert: (token: string) => void;
}) {
  const t = useModuleMessages(templatesMessages);
  if (!catalog) return null;
  const targetName = t(target === 'text' ? 'target.text' : target === 'sms' ? 'target.sms' : 'target.param');
  return (
    <details className="notify-variables">
      <summary>{t('variables')}</summary>
      <p className="settings-hint">{t('variablesHint', { target: targetName })}</p>
      <ul aria-label={t('variables')}>
        {catalog.variables.map((variable) => {
          const token = `{{${variable.path}}}`;
          return (
            <li key={variable.path}>
              <button
                type="button"
                className="secondary small"
                aria-label={t('insert', { token })}
                onClick={() => onInsert(token)}
              >
                <code>{token}</code>
              </button>
              <span>{variable.description}</span>
              <span className="muted">{t('example', { example: variable.example })}</span>
            </li>
          );
        })}
      </ul>
      {catalog.filters.length > 0 && (
        <>
          <h4>{t('filtersTitle')}</h4>
          <ul>
            {catalog.filters.map((filter) => (
              <li key={filter.name}>
                <code>| {filter.name}</code> <span>{filter.description}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}
