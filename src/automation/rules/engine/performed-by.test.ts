import { describe, expect, it } from 'vitest';
import { loopReason, performedByRule, readPerformedBy } from './performed-by.js';

describe('loop protection', () => {
  it('lets any rule run for a person’s change', () => {
    expect(loopReason(7, { type: 'user', id: 1 })).toBeNull();
    expect(loopReason(7, null)).toBeNull();
  });

  it('does not let a rule run again for an event its own chain caused', () => {
    expect(loopReason(7, performedByRule(7, null))).toMatch(/mesma regra/);
    expect(loopReason(7, performedByRule(8, performedByRule(7, null)))).toMatch(/mesma regra/);
  });

  it('stops a chain after three rules', () => {
    const third = performedByRule(3, performedByRule(2, performedByRule(1, null)));
    expect(third).toEqual({ type: 'automation_rule', id: 3, chain: [1, 2, 3] });
    expect(loopReason(2, performedByRule(1, null))).toBeNull();
    expect(loopReason(4, third)).toMatch(/mais de 3 regras/);
  });

  it('reads performed_by back from stored event data', () => {
    expect(readPerformedBy({ type: 'automation_rule', id: 3, chain: [1, 3] })).toEqual({
      type: 'automation_rule',
      id: 3,
      chain: [1, 3],
    });
    expect(readPerformedBy({ type: 'user', id: 5 })).toEqual({ type: 'user', id: 5 });
    expect(readPerformedBy('rule')).toBeNull();
  });
});
