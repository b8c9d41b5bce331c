import { describe, expect, it } from 'vitest';
import { planMemberChange } from './member-set.js';

describe('planMemberChange', () => {
  it('adds only the requested ids that are not members yet', () => {
    expect(planMemberChange('add', [1, 2], [2, 3, 3])).toEqual({ add: [3], remove: [] });
  });

  it('removes only the requested ids that are members', () => {
    expect(planMemberChange('remove', [1, 2], [2, 9])).toEqual({ add: [], remove: [2] });
  });

  it('replaces the set: adds the missing, removes everyone not requested', () => {
    expect(planMemberChange('replace', [1, 2, 4], [2, 3])).toEqual({ add: [3], remove: [1, 4] });
    expect(planMemberChange('replace', [1, 2], [])).toEqual({ add: [], remove: [1, 2] });
  });
});
