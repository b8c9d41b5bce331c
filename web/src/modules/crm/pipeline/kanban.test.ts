import { describe, expect, it } from 'vitest';
import type { BoardColumn, Deal, Stage } from '../crm.api';
import { moveDealOnBoard, openTotals, replaceDeal } from './kanban';

const stage = (id: number, name: string, extra: Partial<Stage> = {}): Stage => ({
  id,
  name,
  position: id,
  probability: 10 * id,
  is_won: false,
  is_lost: false,
  ...extra,
});

const deal = (id: number, stageId: number, value: number | null): Deal => ({
  id,
  title: `Negócio ${id}`,
  contact_id: 1,
  contact: { id: 1, name: 'Maria', phone_number: null },
  stage_id: stageId,
  value_cents: value,
  expected_close_on: null,
  owner: null,
  conversation_id: null,
  event_id: null,
  status: 'open',
  lost_reason: null,
});

const column = (s: Stage, deals: Deal[]): BoardColumn => ({
  stage: s,
  count: deals.length,
  value_cents: deals.reduce((sum, item) => sum + (item.value_cents ?? 0), 0),
  deals,
});

const board = (): BoardColumn[] => [
  column(stage(1, 'Novo'), [deal(10, 1, 150_000), deal(11, 1, null)]),
  column(stage(2, 'Proposta'), [deal(12, 2, 80_000)]),
  column(stage(3, 'Ganho', { is_won: true }), []),
  column(stage(4, 'Perdido', { is_lost: true }), []),
];

describe('moving deals on the kanban', () => {
  it('moves the card to the top of the target column and moves its count and R$ with it', () => {
    const moved = moveDealOnBoard(board(), 10, 2);
    expect(moved[0]?.deals.map((item) => item.id)).toEqual([11]);
    expect(moved[0]).toMatchObject({ count: 1, value_cents: 0 });
    expect(moved[1]?.deals.map((item) => item.id)).toEqual([10, 12]);
    expect(moved[1]).toMatchObject({ count: 2, value_cents: 230_000 });
    expect(moved[1]?.deals[0]).toMatchObject({ stage_id: 2, status: 'open' });
  });

  it('closes a deal dropped on a won stage, and counts a deal without value as R$ 0', () => {
    const won = moveDealOnBoard(board(), 11, 3);
    expect(won[2]?.deals[0]).toMatchObject({ id: 11, status: 'won' });
    expect(won[2]).toMatchObject({ count: 1, value_cents: 0 });
  });

  it('leaves the board as it was for the same stage, an unknown deal or an unknown stage', () => {
    const before = board();
    expect(moveDealOnBoard(before, 10, 1)).toBe(before);
    expect(moveDealOnBoard(before, 99, 2)).toBe(before);
    expect(moveDealOnBoard(before, 10, 99)).toBe(before);
  });

  it('places the API’s answer where the API put it (e.g. "lost" moves it to Perdido)', () => {
    const answer = { ...deal(12, 4, 80_000), status: 'lost' as const, lost_reason: 'Preço' };
    const after = replaceDeal(board(), answer);
    expect(after[1]?.deals).toEqual([]);
    expect(after[3]?.deals).toEqual([answer]);
  });

  it('totals the open stages only', () => {
    expect(openTotals(moveDealOnBoard(board(), 12, 3))).toEqual({ count: 2, value_cents: 150_000 });
  });
});
