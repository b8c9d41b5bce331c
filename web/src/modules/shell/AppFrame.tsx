import { lazy, Suspense, useEffect, useState } from 'react';
import { apiRequest } from '../../shared/api-client';
import { useI18n } from '../../shared/i18n';
import { Link, matchPath, useLocation } from '../../shared/router';
import type { CurrentUser } from '../auth/auth.api';
import { InboxPage } from '../inbox/InboxPage';

// Settings are for administrators and visited rarely: loaded on demand, out of the initial bundle.
const SettingsPage = lazy(() =>
  import('../settings/SettingsPage').then((module) => ({ default: module.SettingsPage })),
);
// The CRM screens (clients, providers, events, pipeline, tasks) are a chunk of their own too.
const CrmPage = lazy(() => import('../crm/CrmPage').then((module) => ({ default: module.CrmPage })));
// Notifications (sends, templates, rules, broadcasts, automations): another chunk, loaded on demand.
const NotifyPage = lazy(() => import('../notify/NotifyPage').then((module) => ({ default: module.NotifyPage })));
const CRM_NAV = [
  { root: 'clientes', label: 'nav.clients' },
  { root: 'prestadores', label: 'nav.providers' },
  { root: 'eventos', label: 'nav.events' },
  { root: 'funil', label: 'nav.pipeline' },
  { root: 'tarefas', label: 'nav.tasks' },
] as const;

/** The signed-in frame: header with the account and user, navigation, and the screen for the URL. */
export function AppFrame({ user, onSignOut }: { user: CurrentUser; onSignOut: () => Promise<void> }) {
  const { t, locale, setLocale } = useI18n();
  const { pathname } = useLocation();
  const [signingOut, setSigningOut] = useState(false);
  const [simulatorOn, setSimulatorOn] = useState(false);
  useEffect(() => {
    apiRequest<{ simulator?: boolean }>('GET', '/api')
      .then((info) => setSimulatorOn(info.simulator === true))
      .catch(() => setSimulatorOn(false));
  }, []);
  const account = user.accounts.find((candidate) => candidate.id === user.account_id) ?? user.accounts[0];
  const isAdmin = account?.role === 'administrator';
  const inSettings = pathname.startsWith('/configuracoes');
  const crmRoot = CRM_NAV.find(({ root }) => pathname === `/${root}` || pathname.startsWith(`/${root}/`))?.root;
  const inNotify = pathname === '/notificacoes' || pathname.startsWith('/notificacoes/');

  let screen: React.ReactNode;
  if (!account) {
    screen = <p className="empty-state">{t('error.notFound')}</p>;
  } else if (inSettings) {
    screen = isAdmin ? (
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <SettingsPage accountId={account.id} pathname={pathname} />
      </Suspense>
    ) : (
      <section className="empty-state" role="alert">
        <p>{t('error.forbidden')}</p>
      </section>
    );
  } else if (crmRoot) {
    screen = (
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <CrmPage accountId={account.id} userId={user.id} isAdmin={isAdmin} pathname={pathname} />
      </Suspense>
    );
  } else if (inNotify) {
    screen = (
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <NotifyPage accountId={account.id} pathname={pathname} isAdmin={isAdmin} />
      </Suspense>
    );
  } else if (pathname === '/' || matchPath('/conversas', pathname) || pathname.startsWith('/conversas/')) {
    screen = <InboxPage user={user} account={account} pathname={pathname} />;
  } else {
    screen = <p className="empty-state">{t('error.notFound')}</p>;
  }

  return (
    <div className="app-frame">
      <header className="app-header">
        <div className="brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <span className="brand-name">Santana</span>
          {account && <span className="account-name">{account.name}</span>}
        </div>
        <nav className="app-nav" aria-label={t('nav.main')}>
          <Link to="/conversas" aria-current={!inSettings && !crmRoot && !inNotify ? 'page' : undefined}>
            {t('nav.conversations')}
          </Link>
          {CRM_NAV.map(({ root, label }) => (
            <Link key={root} to={`/${root}`} aria-current={crmRoot === root ? 'page' : undefined}>
              {t(label)}
            </Link>
          ))}
          <Link to="/notificacoes" aria-current={inNotify ? 'page' : undefined}>
            {t('nav.notifications')}
          </Link>
          {isAdmin && (
            <Link to="/configuracoes" aria-current={inSettings ? 'page' : undefined}>
              {t('nav.settings')}
            </Link>
          )}
          {simulatorOn && (
            <a href="/simulator" target="_blank" rel="noreferrer">
              {t('nav.simulator')}
            </a>
          )}
        </nav>
        <div className="user-menu">
          <label className="language-toggle">
            <span className="visually-hidden">{t('user.language')}</span>
            <select value={locale} onChange={(event) => setLocale(event.target.value === 'en' ? 'en' : 'pt-BR')}>
              <option value="pt-BR">PT</option>
              <option value="en">EN</option>
            </select>
          </label>
          <span className="user-name" data-testid="current-user">
            {user.available_name}
          </span>
          {account && <span className="role-badge">{t(`role.${account.role}`)}</span>}
          <button
            type="button"
            className="secondary"
            disabled={signingOut}
            onClick={async () => {
              setSigningOut(true);
              await onSignOut();
            }}
          >
            {t('user.signOut')}
          </button>
        </div>
      </header>
      <main className="app-main">{screen}</main>
    </div>
  );
}
