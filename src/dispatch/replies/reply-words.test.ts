import { describe, expect, it } from 'vitest';
import { classifyOfferReply } from './reply-words.js';

describe('classifyOfferReply', () => {
  it.each(['aceito', 'Sim', 'SIM!', 'pode ser', 'Pode ser.', 'topo', 'ok', 'OK 👍', ' aceito '])(
    'reads "%s" as accept',
    (text) => {
      expect(classifyOfferReply(text)).toBe('accept');
    },
  );

  it.each(['não', 'Nao', 'NÃO!', 'não posso', 'nao posso', 'Recuso', 'não vou poder', 'Não vou poder...'])(
    'reads "%s" as decline',
    (text) => {
      expect(classifyOfferReply(text)).toBe('decline');
    },
  );

  it.each(['talvez', 'sim, mas só até as 22h', 'qual o endereço?', 'não sei', 'okay', 'simples', ''])(
    'leaves "%s" to an attendant',
    (text) => {
      expect(classifyOfferReply(text)).toBeNull();
    },
  );
});
