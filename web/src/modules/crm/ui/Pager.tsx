import { useModuleMessages } from '../../../shared/i18n';
import { crmMessages } from '../crm.messages';

export const PER_PAGE = 25;

export const pageCount = (count: number, perPage = PER_PAGE) => Math.max(1, Math.ceil(count / perPage));

/** "Página 2 de 5" with Anterior / Próxima; hidden when everything fits on one page. */
export function Pager({
  page,
  count,
  perPage = PER_PAGE,
  onPage,
}: {
  page: number;
  count: number;
  perPage?: number;
  onPage: (page: number) => void;
}) {
  const t = useModuleMessages(crmMessages);
  const pages = pageCount(count, perPage);
  if (pages <= 1) return null;
  return (
    <nav className="crm-pager" aria-label={t('pager.label')}>
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('pager.previous')}
      </button>
      <span aria-live="polite">{t('pager.status', { page, pages, count })}</span>
      <button type="button" className="secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('pager.next')}
      </button>
    </nav>
  );
}
