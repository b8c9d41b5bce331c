import { useId } from 'react';
import { formatMoney } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { Link } from '../../../shared/router';
import type { Deal, Stage } from '../crm.api';
import { crmMessages } from '../crm.messages';

/**
 * A deal on the board: draggable with the mouse, and movable from the keyboard with its "Mover para…"
 * select; "Ganho" and "Perdido" close it.
 */
export function DealCard({
  deal,
  stages,
  busy,
  onMove,
  onWon,
  onLost,
}: {
  deal: Deal;
  stages: Stage[];
  busy: boolean;
  onMove: (stageId: number) => void;
  onWon: () => void;
  onLost: () => void;
}) {
  const t = useModuleMessages(crmMessages);
  const selectId = useId();
  return (
    <article
      className={`crm-deal crm-deal-${deal.status}`}
      draggable={!busy}
      aria-label={deal.title}
      onDragStart={(event) => {
        event.dataTransfer.setData('application/x-santana-deal', String(deal.id));
        event.dataTransfer.setData('text/plain', String(deal.id));
        event.dataTransfer.effectAllowed = 'move';
      }}
    >
      <h3 className="crm-deal-title">{deal.title}</h3>
      <p className="muted">
        {deal.contact.name}
        {deal.value_cents !== null && <strong className="crm-deal-value"> · {formatMoney(deal.value_cents)}</strong>}
      </p>
      {deal.conversation_id && (
        <Link to={`/conversas/${deal.conversation_id}`} className="crm-deal-link">
          {t('event.conversationLink', { id: deal.conversation_id })}
        </Link>
      )}
      {deal.status === 'lost' && deal.lost_reason && <p className="crm-deal-reason">{deal.lost_reason}</p>}
      <div className="crm-deal-actions">
        <label htmlFor={selectId} className="visually-hidden">
          {t('deal.moveOf', { title: deal.title })}
        </label>
        <select
          id={selectId}
          value=""
          disabled={busy}
          onChange={(event) => {
            const stageId = Number(event.target.value);
            if (stageId) onMove(stageId);
          }}
        >
          <option value="">{t('deal.moveTo')}</option>
          {stages
            .filter((stage) => stage.id !== deal.stage_id)
            .map((stage) => (
              <option key={stage.id} value={stage.id}>
                {stage.name}
              </option>
            ))}
        </select>
        {deal.status === 'open' && (
          <>
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              aria-label={t('deal.wonOf', { title: deal.title })}
              onClick={onWon}
            >
              {t('deal.won')}
            </button>
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              aria-label={t('deal.lostOf', { title: deal.title })}
              onClick={onLost}
            >
              {t('deal.lost')}
            </button>
          </>
        )}
      </div>
    </article>
  );
}
