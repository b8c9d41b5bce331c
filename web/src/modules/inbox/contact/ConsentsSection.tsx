import { useCallback, useEffect, useState } from 'react';
import { ApiError, apiRequest } from '../../../shared/api-client';
import { formatDateTime } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { consentsMessages } from './consents.messages';

type ConsentStatus = 'opted_in' | 'opted_out' | 'unknown';
interface ConsentState {
  status: ConsentStatus;
  at: string | null;
  source: string | null;
}
export interface Consents {
  marketing: ConsentState;
  notifications: ConsentState;
}
type Kind = keyof Consents;

const KNOWN_SOURCES = ['keyword', 'agent', 'api', 'whatsapp_131050', 'sms_21610', 'default'] as const;
const path = (accountId: number, contactId: number) => `/api/v1/accounts/${accountId}/contacts/${contactId}/consents`;

/** Each consent with its status, when and how it was given or withdrawn, and a switch for the attendant. */
export function ConsentsView({
  consents,
  busy,
  error,
  onChange,
}: {
  consents: Consents | null;
  busy: boolean;
  error: string | null;
  onChange: (kind: Kind, optedIn: boolean) => void;
}) {
  const t = useModuleMessages(consentsMessages);
  const describe = (state: ConsentState) => {
    const source = KNOWN_SOURCES.find((known) => known === state.source);
    const how = source ? t(`source.${source}`) : state.source;
    return [state.at ? formatDateTime(new Date(state.at)) : t('never'), how ? t('how', { source: how }) : null]
      .filter(Boolean)
      .join(' · ');
  };
  return (
    <section className="contact-consents" aria-labelledby="consents-title">
      <h3 id="consents-title">{t('title')}</h3>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {consents && (
        <dl className="contact-fields">
          {(['notifications', 'marketing'] as const).map((kind) => (
            <div key={kind} data-consent={kind}>
              <dt>
                {t(kind)}: <strong>{t(`status.${consents[kind].status}`)}</strong>
              </dt>
              <dd className="muted">{describe(consents[kind])}</dd>
              <dd>
                <label className="settings-check">
                  <input
                    type="checkbox"
                    checked={consents[kind].status === 'opted_in'}
                    disabled={busy}
                    onChange={(event) => onChange(kind, event.target.checked)}
                  />
                  <span>{t(kind === 'marketing' ? 'marketingToggle' : 'notificationsToggle')}</span>
                </label>
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="muted">{t('hint')}</p>
    </section>
  );
}

/** The contact panel's consents: GET|PUT /contacts/:id/consents (the change goes to the audit log). */
export function ConsentsSection({ accountId, contactId }: { accountId: number; contactId: number }) {
  const t = useModuleMessages(consentsMessages);
  const [consents, setConsents] = useState<Consents | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setConsents(await apiRequest<Consents>('GET', path(accountId, contactId)));
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error'));
    }
  }, [accountId, contactId, t]);

  useEffect(() => {
    void load();
  }, [load]);

  async function change(kind: Kind, optedIn: boolean) {
    setBusy(true);
    setError(null);
    try {
      setConsents(
        await apiRequest<Consents>('PUT', path(accountId, contactId), { [kind]: optedIn ? 'opted_in' : 'opted_out' }),
      );
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : t('error'));
    } finally {
      setBusy(false);
    }
  }

  return <ConsentsView consents={consents} busy={busy} error={error} onChange={(kind, on) => void change(kind, on)} />;
}
