import { useMemo } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { matchPath } from '../../shared/router';
import { TasksPage } from './activities/TasksPage';
import { ClientsPage } from './clients/ClientsPage';
import { crmApi } from './crm.api';
import { crmMessages } from './crm.messages';
import { EventPage } from './events/EventPage';
import { EventsPage } from './events/EventsPage';
import { PipelinePage } from './pipeline/PipelinePage';
import { ProviderPage } from './providers/ProviderPage';
import { ProvidersPage } from './providers/ProvidersPage';
import '../settings/settings.css';
import './crm.css';

/** The CRM's first path segments (AppFrame sends these here). */
export const CRM_ROOTS = ['clientes', 'prestadores', 'eventos', 'funil', 'tarefas'] as const;

export const isCrmPath = (pathname: string) =>
  CRM_ROOTS.some((root) => pathname === `/${root}` || pathname.startsWith(`/${root}/`));

/** Which CRM screen a path shows: `/eventos/12` → the event page for 12; null for unknown paths. */
export function resolveCrmPath(
  pathname: string,
):
  | { screen: 'clients' | 'providers' | 'events' | 'pipeline' | 'tasks' }
  | { screen: 'provider' | 'event'; id: number }
  | null {
  const path = pathname.replace(/\/+$/, '');
  const simple = {
    '/clientes': 'clients',
    '/prestadores': 'providers',
    '/eventos': 'events',
    '/funil': 'pipeline',
    '/tarefas': 'tasks',
  } as const;
  if (path in simple) return { screen: simple[path as keyof typeof simple] };
  const provider = matchPath('/prestadores/:id', path);
  if (provider && /^\d+$/.test(provider.id ?? '')) return { screen: 'provider', id: Number(provider.id) };
  const event = matchPath('/eventos/:id', path);
  if (event && /^\d+$/.test(event.id ?? '')) return { screen: 'event', id: Number(event.id) };
  return null;
}

/** The CRM screens: clients, providers, events (calendar and list), pipeline and "minhas tarefas". */
export function CrmPage({
  accountId,
  userId,
  isAdmin,
  pathname,
}: {
  accountId: number;
  userId: number;
  /** Administrators also see the delete actions (the API refuses them to agents). */
  isAdmin: boolean;
  pathname: string;
}) {
  const t = useModuleMessages(crmMessages);
  const api = useMemo(() => crmApi(accountId), [accountId]);
  const route = resolveCrmPath(pathname);
  let screen: React.ReactNode;
  switch (route?.screen) {
    case 'clients':
      screen = <ClientsPage api={api} isAdmin={isAdmin} />;
      break;
    case 'providers':
      screen = <ProvidersPage api={api} />;
      break;
    case 'provider':
      screen = <ProviderPage key={route.id} api={api} providerId={route.id} />;
      break;
    case 'events':
      screen = <EventsPage api={api} />;
      break;
    case 'event':
      screen = <EventPage key={route.id} api={api} accountId={accountId} eventId={route.id} isAdmin={isAdmin} />;
      break;
    case 'pipeline':
      screen = <PipelinePage api={api} accountId={accountId} />;
      break;
    case 'tasks':
      screen = <TasksPage api={api} userId={userId} />;
      break;
    default:
      screen = (
        <p className="settings-empty" role="alert">
          {t('notFound')}
        </p>
      );
  }
  return <div className="crm">{screen}</div>;
}
