import { describe, expect, it } from 'vitest';
import { keywordDecision, normaliseKeyword } from './opt-out-keywords.js';

describe('consent keywords', () => {
  it.each([
    [' sair ', 'SAIR'],
    ['Sáir!', 'SAIR'],
    ['P A R A R', 'PARAR'],
    ['stop.', 'STOP'],
    ['Descadastrar!!!', 'DESCADASTRAR'],
    ['cancelar?', 'CANCELAR'],
  ])('reads %j as the opt-out %s', (text, keyword) => {
    expect(keywordDecision(text)).toEqual({ keyword, status: 'opted_out' });
  });

  it('reads VOLTAR, in any case, as opting back in', () => {
    expect(keywordDecision('voltar')).toEqual({ keyword: 'VOLTAR', status: 'opted_in' });
  });

  it.each(['quero sair cedo', 'sair da lista amanhã', 'parar?? não', 'ok', '', 'S!AIR', 'sair'.repeat(20)])(
    'does not treat %j as a keyword',
    (text) => {
      expect(keywordDecision(text)).toBeNull();
    },
  );

  it('ignores what is not text', () => {
    expect(keywordDecision(null)).toBeNull();
    expect(keywordDecision(42)).toBeNull();
  });

  it('removes accents and spaces but keeps inner punctuation', () => {
    expect(normaliseKeyword('  Ação, já! ')).toBe('ACAO,JA');
  });
});
