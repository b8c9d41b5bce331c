import { useCallback, useState } from 'react';
import { formatMoney } from '../../../shared/format';
import { useModuleMessages } from '../../../shared/i18n';
import { errorMessage } from '../../settings/ui/errors';
import { LoadState } from '../../settings/ui/LoadState';
import { useLoad } from '../../settings/ui/use-load';
import type { BoardColumn, CrmApi, Deal } from '../crm.api';
import { crmMessages } from '../crm.messages';
import { Dialog } from '../ui/Dialog';
import { DealCard } from './DealCard';
import { DealForm } from './DealForm';
import { findDeal, moveDealOnBoard, openTotals, replaceDeal } from './kanban';
import { LostDialog } from './LostDialog';
import { useLiveBoard } from './use-live-board';

const DEAL_TYPE = 'application/x-santana-deal';

/**
 * /funil: the kanban — columns are stages, cards are deals; drag or "Mover para…" to change stage.
 * Live: deals created or moved elsewhere (another tab, the contact panel, the API) show up by themselves.
 */
export function PipelinePage({ api, accountId }: { api: CrmApi; accountId: number }) {
  const t = useModuleMessages(crmMessages);
  const load = useCallback(() => api.deals.board(), [api]);
  const board = useLoad(load, t('genericError'));
  const { setData } = board;
  const live = useLiveBoard(
    accountId,
    useCallback(() => {
      // Quiet: no loading state; a failed refetch leaves the board as it is until the next change.
      api.deals.board().then(
        (fresh) => setData(() => fresh),
        () => undefined,
      );
    }, [api, setData]),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [dropTarget, setDropTarget] = useState<number | null>(null);
  const [losing, setLosing] = useState<{ deal: Deal; stageId?: number } | null>(null);
  const [creating, setCreating] = useState(false);

  const columns = board.data ?? [];
  const stages = columns.map((column) => column.stage);

  /** Shows the change at once; the API's answer replaces it, a refusal puts the board back. */
  async function change(optimistic: BoardColumn[], request: () => Promise<Deal>, done: string) {
    const before = board.data;
    board.setData(() => optimistic);
    setBusy(true);
    setError(null);
    try {
      const saved = await request();
      board.setData((current) => replaceDeal(current ?? [], saved));
      setStatus(done);
    } catch (caught) {
      board.setData(() => before);
      setError(errorMessage(caught, t('genericError')));
      throw caught;
    } finally {
      setBusy(false);
    }
  }

  function move(deal: Deal, stageId: number) {
    const stage = stages.find((candidate) => candidate.id === stageId);
    if (!stage || stage.id === deal.stage_id) return;
    if (stage.is_lost) {
      setLosing({ deal, stageId });
      return;
    }
    void change(
      moveDealOnBoard(columns, deal.id, stageId),
      () => api.deals.move(deal.id, stageId),
      t('deal.moved', { title: deal.title, stage: stage.name }),
    ).catch(() => undefined);
  }

  function won(deal: Deal) {
    const wonStage = stages.find((stage) => stage.is_won);
    void change(
      wonStage ? moveDealOnBoard(columns, deal.id, wonStage.id) : columns,
      () => api.deals.won(deal.id),
      t('deal.markedWon', { title: deal.title }),
    ).catch(() => undefined);
  }

  return (
    <section className="crm-page crm-pipeline" aria-labelledby="crm-title">
      <header className="crm-heading">
        <div>
          <h1 id="crm-title">{t('pipeline.title')}</h1>
          {board.data && (
            <p className="muted">
              {t('pipeline.openTotals', {
                count: openTotals(board.data).count,
                value: formatMoney(openTotals(board.data).value_cents),
              })}
            </p>
          )}
        </div>
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          {t('deal.new')}
        </button>
      </header>
      <p className="settings-hint">{t('pipeline.hint')}</p>
      {error && (
        <p role="alert" className="settings-alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {status}
      </p>
      <LoadState loaded={board} isEmpty={(list) => list.length === 0} empty={<p>{t('pipeline.noStages')}</p>}>
        {(list) => (
          // data-live: whether changes made elsewhere are arriving (the stream is open).
          <div className="crm-board" data-live={live}>
            {list.map((column) => (
              <section
                key={column.stage.id}
                className={dropTarget === column.stage.id ? 'crm-column crm-drop' : 'crm-column'}
                aria-labelledby={`stage-${column.stage.id}`}
                data-stage={column.stage.name}
                onDragOver={(event) => {
                  if (!event.dataTransfer.types.includes(DEAL_TYPE)) return;
                  event.preventDefault();
                  event.dataTransfer.dropEffect = 'move';
                  setDropTarget(column.stage.id);
                }}
                onDragLeave={() => setDropTarget((current) => (current === column.stage.id ? null : current))}
                onDrop={(event) => {
                  event.preventDefault();
                  setDropTarget(null);
                  const found = findDeal(list, Number(event.dataTransfer.getData(DEAL_TYPE)));
                  if (found) move(found.deal, column.stage.id);
                }}
              >
                <header className="crm-column-head">
                  <h2 id={`stage-${column.stage.id}`}>{column.stage.name}</h2>
                  <p className="crm-column-totals" data-testid="stage-totals">
                    {t('pipeline.columnTotals', { count: column.count, value: formatMoney(column.value_cents) })}
                  </p>
                </header>
                {column.deals.length === 0 ? (
                  <p className="muted crm-column-empty">{t('pipeline.emptyColumn')}</p>
                ) : (
                  column.deals.map((deal) => (
                    <DealCard
                      key={deal.id}
                      deal={deal}
                      stages={stages}
                      busy={busy}
                      onMove={(stageId) => move(deal, stageId)}
                      onWon={() => won(deal)}
                      onLost={() => setLosing({ deal })}
                    />
                  ))
                )}
                {column.count > column.deals.length && (
                  <p className="muted">{t('pipeline.more', { count: column.count - column.deals.length })}</p>
                )}
              </section>
            ))}
          </div>
        )}
      </LoadState>
      {losing && (
        <LostDialog
          title={losing.deal.title}
          onClose={() => setLosing(null)}
          onConfirm={async (reason) => {
            const target = losing.stageId ?? stages.find((stage) => stage.is_lost)?.id;
            await change(
              target ? moveDealOnBoard(columns, losing.deal.id, target) : columns,
              () =>
                losing.stageId
                  ? api.deals.move(losing.deal.id, losing.stageId, reason)
                  : api.deals.lost(losing.deal.id, reason),
              t('deal.markedLost', { title: losing.deal.title }),
            );
          }}
        />
      )}
      {creating && (
        <Dialog title={t('deal.new')} onClose={() => setCreating(false)}>
          <DealForm
            api={api}
            onCancel={() => setCreating(false)}
            onSaved={() => {
              setCreating(false);
              void board.reload();
            }}
          />
        </Dialog>
      )}
    </section>
  );
}
