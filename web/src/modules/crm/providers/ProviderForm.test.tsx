import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CrmApi, Provider } from '../crm.api';
import { ProviderForm, providerPayload, providerValuesOf } from './ProviderForm';

const provider: Provider = {
  id: 7,
  contact_id: 70,
  name: 'Ana DJ',
  phone_number: '+5511987654321',
  email: null,
  services: [{ id: 2, name: 'DJ' }],
  regions: ['São Paulo', 'ABC'],
  active: false,
  rating: null,
  notes: 'Leva o próprio som',
};
const serviceTypes = [
  { id: 1, name: 'Garçom' },
  { id: 2, name: 'DJ' },
];
const api = {} as CrmApi;

describe('the provider form', () => {
  it('sends trimmed fields, the chosen service ids and the regions split on commas', () => {
    const values = {
      ...providerValuesOf(null),
      name: '  Bruno Garçom ',
      phone_number: ' (11) 98765-4321 ',
      email: '  ',
      services: [1, 2],
      regions: ' São Paulo, ABC ,, são paulo; Guarulhos ',
      notes: ' noites ',
    };
    expect(providerPayload(values)).toEqual({
      name: 'Bruno Garçom',
      phone_number: '(11) 98765-4321',
      email: null,
      services: [1, 2],
      regions: ['São Paulo', 'ABC', 'Guarulhos'],
      active: true,
      notes: 'noites',
    });
  });

  it('round-trips an existing provider into the same payload', () => {
    expect(providerPayload(providerValuesOf(provider))).toEqual({
      name: 'Ana DJ',
      phone_number: '+5511987654321',
      email: null,
      services: [2],
      regions: ['São Paulo', 'ABC'],
      active: false,
      notes: 'Leva o próprio som',
    });
  });

  it('shows every field labelled, the offered services checked and the regions as text', () => {
    const html = renderToStaticMarkup(
      <ProviderForm api={api} provider={provider} serviceTypes={serviceTypes} onSaved={() => {}} onCancel={() => {}} />,
    );
    for (const label of ['Nome', 'Telefone (WhatsApp)', 'E-mail', 'Regiões atendidas', 'Observações']) {
      expect(html).toMatch(new RegExp(`<label for="[^"]+">${label.replace(/[()]/g, '\\$&')}</label>`));
    }
    expect(html).toContain('<legend>Serviços</legend>');
    expect(html).toMatch(/<input type="checkbox" checked=""\/><span>DJ<\/span>/);
    expect(html).toMatch(/<input type="checkbox"\/><span>Garçom<\/span>/);
    expect(html).toContain('value="São Paulo, ABC"');
    expect(html).toMatch(/<input type="checkbox"\/><span>Ativo/);
  });

  it('says where service types come from when there are none yet', () => {
    const html = renderToStaticMarkup(
      <ProviderForm api={api} provider={null} serviceTypes={[]} onSaved={() => {}} onCancel={() => {}} />,
    );
    expect(html).toContain('Configurações › Tipos de serviço');
  });
});
