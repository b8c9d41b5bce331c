import { type ReactNode, useEffect, useMemo } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Link, navigate } from '../../shared/router';
import { AutomationRulesPage } from '../automation/AutomationRulesPage';
import { BroadcastsPage } from './broadcasts/BroadcastsPage';
import { NotificationsPage } from './notifications/NotificationsPage';
import { notifyApi } from './notify.api';
import { notifyMessages } from './notify.messages';
import { RulesPage } from './rules/RulesPage';
import { TemplatesPage } from './templates/TemplatesPage';
import '../settings/settings.css';
import './notify.css';

type SectionKey = 'notifications' | 'templates' | 'rules' | 'broadcasts' | 'automation';

/** The area's sections in menu order; the slug is the URL (/notificacoes/<slug>[/…]). */
export const NOTIFY_SECTIONS: Array<{ key: SectionKey; slug: string; adminOnly: boolean }> = [
  { key: 'notifications', slug: 'envios', adminOnly: false },
  { key: 'templates', slug: 'modelos', adminOnly: false },
  { key: 'rules', slug: 'regras', adminOnly: false },
  { key: 'broadcasts', slug: 'transmissoes', adminOnly: false },
  { key: 'automation', slug: 'automacoes', adminOnly: true },
];

export const NOTIFY_ROOT = '/notificacoes';
export const isNotifyPath = (pathname: string) => pathname === NOTIFY_ROOT || pathname.startsWith(`${NOTIFY_ROOT}/`);

/** `/notificacoes/modelos/3` → the templates section and `['3']`; unknown slugs → null. */
export function resolveNotifyPath(pathname: string): {
  section: (typeof NOTIFY_SECTIONS)[number] | null;
  rest: string[];
} {
  const [, , slug, ...rest] = pathname.replace(/\/+$/, '').split('/');
  if (!slug) return { section: NOTIFY_SECTIONS[0] ?? null, rest: [] };
  return {
    section: NOTIFY_SECTIONS.find((section) => section.slug === slug) ?? null,
    rest: rest.map(decodeURIComponent),
  };
}

/** The "Notificações" area: sends, templates, rules, broadcasts and (administrators) automations. */
export function NotifyPage({
  accountId,
  pathname,
  isAdmin,
}: {
  accountId: number;
  pathname: string;
  isAdmin: boolean;
}) {
  const t = useModuleMessages(notifyMessages);
  const api = useMemo(() => notifyApi(accountId), [accountId]);
  const { section, rest } = resolveNotifyPath(pathname);
  const bare = pathname.replace(/\/+$/, '') === NOTIFY_ROOT;
  const visible = NOTIFY_SECTIONS.filter((candidate) => isAdmin || !candidate.adminOnly);

  useEffect(() => {
    if (bare) navigate(`${NOTIFY_ROOT}/${NOTIFY_SECTIONS[0]?.slug}`, { replace: true });
  }, [bare]);

  let screen: ReactNode;
  if (!section) screen = <p role="alert">{t('notFound')}</p>;
  else if (section.adminOnly && !isAdmin) screen = <p role="alert">{t('adminOnly')}</p>;
  else if (section.key === 'notifications') screen = <NotificationsPage api={api} />;
  else if (section.key === 'templates') screen = <TemplatesPage api={api} path={rest} isAdmin={isAdmin} />;
  else if (section.key === 'rules') screen = <RulesPage api={api} isAdmin={isAdmin} />;
  else if (section.key === 'broadcasts') screen = <BroadcastsPage api={api} isAdmin={isAdmin} />;
  else screen = <AutomationRulesPage accountId={accountId} path={rest} />;

  return (
    <div className="settings notify">
      <nav className="settings-nav" aria-label={t('sections')}>
        <h2>{t('title')}</h2>
        <ul>
          {visible.map((candidate) => (
            <li key={candidate.key}>
              <Link
                to={`${NOTIFY_ROOT}/${candidate.slug}`}
                aria-current={candidate.key === section?.key ? 'page' : undefined}
              >
                {t(`section.${candidate.key}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="settings-content" aria-labelledby="notify-section-title">
        <h2 id="notify-section-title">{section ? t(`section.${section.key}`) : t('title')}</h2>
        <div key={`${accountId}-${section?.key}`} className="notify-content">
          {screen}
        </div>
      </section>
    </div>
  );
}
