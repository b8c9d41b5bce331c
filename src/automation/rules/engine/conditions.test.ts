import { describe, expect, it } from 'vitest';
import { type AttributeValue, type Condition, evaluateConditions, matchCondition } from './conditions.js';

const now = new Date('2030-06-10T12:00:00Z');

const condition = (
  attribute_key: string,
  filter_operator: Condition['filter_operator'],
  values: Condition['values'],
  query_operator: Condition['query_operator'] = 'and',
): Condition => ({ attribute_key, filter_operator, values, query_operator });

const run = (conditions: Condition[], attributes: Record<string, AttributeValue>) =>
  evaluateConditions(conditions, (c) => attributes[c.attribute_key], now).matched;

describe('matchCondition', () => {
  it('contains ignores case and accents', () => {
    expect(matchCondition('contains', 'Quero um ORCAMENTO', ['orçamento'], now)).toBe(true);
    expect(matchCondition('does_not_contain', 'Quero um ORCAMENTO', ['orçamento'], now)).toBe(false);
  });

  it('equal_to is any-of and compares ids as text', () => {
    expect(matchCondition('equal_to', 7, ['3', 7], now)).toBe(true);
    expect(matchCondition('equal_to', 'open', ['resolved', 'pending'], now)).toBe(false);
    expect(matchCondition('not_equal_to', null, ['open'], now)).toBe(true);
  });

  it('labels match when any of them is listed', () => {
    expect(matchCondition('equal_to', ['vip', 'orcamento'], ['orcamento'], now)).toBe(true);
    expect(matchCondition('is_present', [], [], now)).toBe(false);
    expect(matchCondition('is_not_present', [], [], now)).toBe(true);
  });

  it('compares numbers and dates', () => {
    expect(matchCondition('is_greater_than', 150_000, ['100000'], now)).toBe(true);
    expect(matchCondition('is_less_than', new Date('2030-06-01T00:00:00Z'), ['2030-06-05T00:00:00Z'], now)).toBe(true);
    expect(matchCondition('is_greater_than', 'abc', ['1'], now)).toBe(false);
  });

  it('days_before: more than N days before now', () => {
    expect(matchCondition('days_before', new Date('2030-06-01T00:00:00Z'), [7], now)).toBe(true);
    expect(matchCondition('days_before', new Date('2030-06-08T00:00:00Z'), [7], now)).toBe(false);
    expect(matchCondition('days_before', null, [7], now)).toBe(false);
  });
});

describe('evaluateConditions', () => {
  it('no conditions always match', () => {
    expect(run([], {})).toBe(true);
  });

  it('AND needs every condition', () => {
    const conditions = [condition('a', 'equal_to', ['1']), condition('b', 'equal_to', ['2'], null)];
    expect(run(conditions, { a: '1', b: '2' })).toBe(true);
    expect(run(conditions, { a: '1', b: '3' })).toBe(false);
  });

  it('OR needs one side', () => {
    const conditions = [condition('a', 'equal_to', ['1'], 'or'), condition('b', 'equal_to', ['2'], null)];
    expect(run(conditions, { a: '9', b: '2' })).toBe(true);
    expect(run(conditions, { a: '9', b: '9' })).toBe(false);
  });

  it('AND binds tighter than OR: a AND b OR c', () => {
    const conditions = [
      condition('a', 'equal_to', ['1'], 'and'),
      condition('b', 'equal_to', ['1'], 'or'),
      condition('c', 'equal_to', ['1'], null),
    ];
    expect(run(conditions, { a: '1', b: '0', c: '1' })).toBe(true);
    expect(run(conditions, { a: '0', b: '1', c: '0' })).toBe(false);
    expect(run(conditions, { a: '1', b: '1', c: '0' })).toBe(true);
  });

  it('reports what each condition saw', () => {
    const { results } = evaluateConditions([condition('status', 'equal_to', ['open'], null)], () => 'resolved', now);
    expect(results).toEqual([expect.objectContaining({ attribute_key: 'status', matched: false, actual: 'resolved' })]);
  });
});
