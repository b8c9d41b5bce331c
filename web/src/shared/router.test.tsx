import { describe, expect, it } from 'vitest';
import { matchPath } from './router';

describe('matchPath', () => {
  it('extracts params and refuses other paths', () => {
    expect(matchPath('/conversas/:id', '/conversas/42')).toEqual({ id: '42' });
    expect(matchPath('/conversas/:id', '/conversas/42/')).toEqual({ id: '42' });
    expect(matchPath('/conversas/:id', '/conversas')).toBeNull();
    expect(matchPath('/configuracoes/:section', '/configuracoes/caixas')).toEqual({ section: 'caixas' });
  });
});
