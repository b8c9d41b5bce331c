import { type ComponentType, useEffect, useMemo } from 'react';
import { useModuleMessages } from '../../shared/i18n';
import { Link, navigate } from '../../shared/router';
import { AgentsSection } from './agents/AgentsSection';
import { BusinessHoursSection } from './business-hours/BusinessHoursSection';
import { CannedResponsesSection } from './canned/CannedResponsesSection';
import { InboxesSection } from './inboxes/InboxesSection';
import { LabelsSection } from './labels/LabelsSection';
import { QuietHoursSection } from './quiet-hours/QuietHoursSection';
import { ServiceTypesSection } from './service-types/ServiceTypesSection';
import { type SettingsApi, settingsApi } from './settings.api';
import { settingsMessages } from './settings.messages';
import { SmsSection } from './sms/SmsSection';
import { TeamsSection } from './teams/TeamsSection';
import { TemplatesSection } from './templates/TemplatesSection';
import { WebhooksSection } from './webhooks/WebhooksSection';
import './settings.css';

type SectionKey =
  | 'inboxes'
  | 'agents'
  | 'teams'
  | 'labels'
  | 'serviceTypes'
  | 'canned'
  | 'templates'
  | 'webhooks'
  | 'businessHours'
  | 'quietHours'
  | 'sms';

interface Section {
  key: SectionKey;
  slug: string;
  Component: ComponentType<{ api: SettingsApi; path: string[] }>;
}

/** The sections in menu order; the slug is the URL: /configuracoes/<slug>[/…]. */
export const SECTIONS: Section[] = [
  { key: 'inboxes', slug: 'caixas-de-entrada', Component: InboxesSection },
  { key: 'agents', slug: 'agentes', Component: AgentsSection },
  { key: 'teams', slug: 'times', Component: TeamsSection },
  { key: 'labels', slug: 'marcadores', Component: LabelsSection },
  { key: 'serviceTypes', slug: 'tipos-de-servico', Component: ServiceTypesSection },
  { key: 'canned', slug: 'respostas-prontas', Component: CannedResponsesSection },
  { key: 'templates', slug: 'modelos', Component: TemplatesSection },
  { key: 'webhooks', slug: 'webhooks', Component: WebhooksSection },
  { key: 'businessHours', slug: 'horario-e-saudacao', Component: BusinessHoursSection },
  { key: 'quietHours', slug: 'horario-de-silencio', Component: QuietHoursSection },
  { key: 'sms', slug: 'sms', Component: SmsSection },
];

/** `/configuracoes/webhooks/3` → the webhooks section and `['3']`; unknown slugs → null. */
export function resolveSettingsPath(pathname: string): { section: Section | null; rest: string[] } {
  const [, , slug, ...rest] = pathname.replace(/\/+$/, '').split('/');
  if (!slug) return { section: SECTIONS[0] ?? null, rest: [] };
  return { section: SECTIONS.find((section) => section.slug === slug) ?? null, rest: rest.map(decodeURIComponent) };
}

/** Administrators' settings: inboxes, agents, teams, labels, canned responses, templates, webhooks. */
export function SettingsPage({ accountId, pathname }: { accountId: number; pathname: string }) {
  const t = useModuleMessages(settingsMessages);
  const api = useMemo(() => settingsApi(accountId), [accountId]);
  const { section, rest } = resolveSettingsPath(pathname);
  const bare = pathname.replace(/\/+$/, '') === '/configuracoes';

  useEffect(() => {
    if (bare) navigate(`/configuracoes/${SECTIONS[0]?.slug}`, { replace: true });
  }, [bare]);

  return (
    <div className="settings">
      <nav className="settings-nav" aria-label={t('sections')}>
        <h2>{t('title')}</h2>
        <ul>
          {SECTIONS.map((candidate) => (
            <li key={candidate.key}>
              <Link
                to={`/configuracoes/${candidate.slug}`}
                aria-current={candidate.key === section?.key ? 'page' : undefined}
              >
                {t(`section.${candidate.key}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <section className="settings-content" aria-labelledby="settings-section-title">
        {section ? (
          <>
            <h2 id="settings-section-title">{t(`section.${section.key}`)}</h2>
            <section.Component key={`${accountId}-${section.key}`} api={api} path={rest} />
          </>
        ) : (
          <p id="settings-section-title" className="settings-empty" role="alert">
            {t('notFound')}
          </p>
        )}
      </section>
    </div>
  );
}
