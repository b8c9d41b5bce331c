import type { BoardColumn, Deal, DealStatus, Stage } from '../crm.api';

/** The status a deal takes in a stage: won and lost stages close it, any other reopens it. */
export const statusIn = (stage: Stage): DealStatus => (stage.is_won ? 'won' : stage.is_lost ? 'lost' : 'open');

export function findDeal(board: BoardColumn[], dealId: number): { deal: Deal; column: BoardColumn } | null {
  for (const column of board) {
    const deal = column.deals.find((candidate) => candidate.id === dealId);
    if (deal) return { deal, column };
  }
  return null;
}

/**
 * The board after moving a deal to another stage (shown at once, before the API answers): the card
 * leaves its column for the top of the other, and both columns' count and R$ total follow.
 */
export function moveDealOnBoard(board: BoardColumn[], dealId: number, toStageId: number): BoardColumn[] {
  const found = findDeal(board, dealId);
  if (!found || found.column.stage.id === toStageId) return board;
  const target = board.find((column) => column.stage.id === toStageId);
  if (!target) return board;
  const value = found.deal.value_cents ?? 0;
  const moved: Deal = { ...found.deal, stage_id: toStageId, status: statusIn(target.stage) };
  return board.map((column) => {
    if (column === found.column) {
      return {
        ...column,
        count: column.count - 1,
        value_cents: column.value_cents - value,
        deals: column.deals.filter((deal) => deal.id !== dealId),
      };
    }
    if (column === target) {
      return {
        ...column,
        count: column.count + 1,
        value_cents: column.value_cents + value,
        deals: [moved, ...column.deals],
      };
    }
    return column;
  });
}

/** The board with one deal replaced by the API's answer (its stage may differ: won/lost move it). */
export function replaceDeal(board: BoardColumn[], deal: Deal): BoardColumn[] {
  const placed = moveDealOnBoard(board, deal.id, deal.stage_id);
  return placed.map((column) => ({
    ...column,
    deals: column.deals.map((candidate) => (candidate.id === deal.id ? deal : candidate)),
  }));
}

/** Count and R$ sum of the whole board (open deals only: what is still in play). */
export function openTotals(board: BoardColumn[]): { count: number; value_cents: number } {
  return board
    .filter((column) => !column.stage.is_won && !column.stage.is_lost)
    .reduce((sum, column) => ({ count: sum.count + column.count, value_cents: sum.value_cents + column.value_cents }), {
      count: 0,
      value_cents: 0,
    });
}
