import { formatDateTime } from '../../../../shared/format';
import { useModuleMessages } from '../../../../shared/i18n';
import { Link } from '../../../../shared/router';
import type { Dispatch, Offer } from './dispatch.api';
import { dispatchMessages } from './dispatch.messages';

const at = (iso: string | null) => (iso ? formatDateTime(new Date(iso)) : '');

function OfferLine({ offer }: { offer: Offer }) {
  const t = useModuleMessages(dispatchMessages);
  const source = offer.response_source;
  const knownSource = source === 'button' || source === 'text' || source === 'timeout' || source === 'manager';
  return (
    <li className="crm-assignment" data-provider={offer.provider_id} data-status={offer.status}>
      <span>
        <Link to={`/prestadores/${offer.provider_id}`}>{offer.provider_name}</Link>
      </span>
      <span className={`notify-status notify-offer-${offer.status}`}>{t(`offer.${offer.status}`)}</span>
      <span className="muted">
        {offer.status === 'offered' && offer.expires_at && t('expiresAt', { at: at(offer.expires_at) })}
        {offer.responded_at && t('respondedAt', { at: at(offer.responded_at) })}
        {offer.responded_at && knownSource && ` ${t(`source.${source}`)}`}
      </span>
    </li>
  );
}

/** Every dispatch of the event with the live status of each provider it asked. */
export function DispatchList({
  dispatches,
  busy,
  onCancel,
}: {
  dispatches: Dispatch[];
  busy: boolean;
  onCancel: (dispatch: Dispatch) => void;
}) {
  const t = useModuleMessages(dispatchMessages);
  if (dispatches.length === 0) return <p className="muted">{t('none')}</p>;
  return (
    <ul className="crm-list dispatch-list" aria-label={t('dispatches')}>
      {dispatches.map((dispatch) => (
        <li key={dispatch.id} className="dispatch-item">
          <div className="dispatch-head">
            <strong>
              {t('dispatchOf', {
                service: dispatch.service,
                strategy: t(`strategyShort.${dispatch.strategy}`),
                ttl: dispatch.offer_ttl_minutes,
              })}
            </strong>
            <span className={`notify-status notify-dispatch-${dispatch.status}`}>{t(`status.${dispatch.status}`)}</span>
            {dispatch.status === 'running' && (
              <button
                type="button"
                className="secondary small"
                disabled={busy}
                aria-label={t('cancelOf', { service: dispatch.service })}
                onClick={() => onCancel(dispatch)}
              >
                {t('cancel')}
              </button>
            )}
          </div>
          {dispatch.offers.length === 0 ? (
            <p className="muted">{t('noOffers')}</p>
          ) : (
            <ul className="crm-list" aria-label={t('offers', { service: dispatch.service })}>
              {dispatch.offers.map((offer) => (
                <OfferLine key={offer.assignment_id} offer={offer} />
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
