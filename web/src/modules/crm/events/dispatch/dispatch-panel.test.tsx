import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Staffing } from '../../crm.api';
import { DispatchForm } from './DispatchForm';
import { DispatchList } from './DispatchList';
import { concernsEvent, DispatchPanel } from './DispatchPanel';
import { type Dispatch, dispatchApi } from './dispatch.api';

const api = dispatchApi(1);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const staffing: Staffing[] = [
  { service: 'DJ', service_type_id: 1, quantity: 1, filled: 1 },
  { service: 'Garçom', service_type_id: 2, quantity: 3, filled: 1 },
];

const dispatch: Dispatch = {
  id: 5,
  event_id: 9,
  service: 'Garçom',
  service_type_id: 2,
  strategy: 'sequential',
  status: 'running',
  offer_ttl_minutes: 30,
  created_at: '2030-06-01T12:00:00Z',
  finished_at: null,
  offers: [
    {
      assignment_id: 11,
      provider_id: 3,
      provider_name: 'Ana Garçonete',
      status: 'accepted',
      offered_at: '2030-06-01T12:00:00Z',
      expires_at: '2030-06-01T12:30:00Z',
      responded_at: '2030-06-01T12:05:00Z',
      response_source: 'button',
    },
    {
      assignment_id: 12,
      provider_id: 4,
      provider_name: 'Beto',
      status: 'offered',
      offered_at: '2030-06-01T12:00:00Z',
      expires_at: '2030-06-01T12:30:00Z',
      responded_at: null,
      response_source: null,
    },
    {
      assignment_id: 13,
      provider_id: 5,
      provider_name: 'Caio',
      status: 'expired',
      offered_at: '2030-06-01T11:00:00Z',
      expires_at: '2030-06-01T11:30:00Z',
      responded_at: '2030-06-01T11:30:00Z',
      response_source: 'timeout',
    },
  ],
};

describe('the dispatch panel', () => {
  it('offers only the services with open places', () => {
    const html = renderToStaticMarkup(<DispatchForm api={api} eventId={9} staffing={staffing} onStarted={() => {}} />);
    expect(html).toContain('>Garçom (2 vaga(s) em aberto)</option>');
    expect(html).not.toContain('>DJ (');
    expect(text(html)).toContain('Um de cada vez');
    expect(text(html)).toContain('Prazo para responder (minutos)');
    expect(html).toContain('value="30"');
  });

  it('says when there is nothing to dispatch', () => {
    const full = renderToStaticMarkup(
      <DispatchForm api={api} eventId={9} staffing={[{ ...staffing[0] } as Staffing]} onStarted={() => {}} />,
    );
    expect(text(full)).toContain('Todas as vagas do evento estão preenchidas.');
    const none = renderToStaticMarkup(<DispatchForm api={api} eventId={9} staffing={[]} onStarted={() => {}} />);
    expect(text(none)).toContain('O evento não tem vagas');
  });

  it('shows the API error beside the service', () => {
    const html = renderToStaticMarkup(
      <DispatchForm
        api={api}
        eventId={9}
        staffing={staffing}
        initialErrors={{ service: 'O evento não tem vagas de Bartender.' }}
        onStarted={() => {}}
      />,
    );
    expect(text(html)).toContain('O evento não tem vagas de Bartender.');
    expect(html).toContain('aria-invalid="true"');
  });

  it('shows each provider’s answer, when it came and how', () => {
    const html = renderToStaticMarkup(<DispatchList dispatches={[dispatch]} busy={false} onCancel={() => {}} />);
    expect(text(html)).toContain('Garçom · um de cada vez · 30 min para responder');
    expect(text(html)).toContain('Em andamento');
    expect(html).toMatch(/data-provider="3" data-status="accepted".*Aceitou/s);
    expect(text(html)).toContain('respondeu 01/06/2030, 09:05 pelo botão');
    expect(text(html)).toContain('Aguardando');
    expect(text(html)).toContain('responde até 01/06/2030, 09:30');
    expect(text(html)).toContain('Não respondeu');
    expect(html).toContain('aria-label="Cancelar o despacho de Garçom"');
    expect(text(renderToStaticMarkup(<DispatchList dispatches={[]} busy={false} onCancel={() => {}} />))).toContain(
      'Nenhum despacho ainda.',
    );
  });

  it('renders the panel while loading, with the form for an open event', () => {
    const html = renderToStaticMarkup(
      <DispatchPanel accountId={1} event={{ id: 9, status: 'scheduled', staffing }} onChanged={() => {}} />,
    );
    expect(html).toContain('<h2 id="dispatch-title">Despachar</h2>');
    expect(text(html)).toContain('Lembretes e mensagens do evento');
    const cancelled = renderToStaticMarkup(
      <DispatchPanel accountId={1} event={{ id: 9, status: 'cancelled', staffing }} onChanged={() => {}} />,
    );
    expect(cancelled).not.toContain('vaga(s) em aberto');
  });

  it('reacts only to realtime events about its event', () => {
    const message = (event: string, data: Record<string, unknown>) => ({ event, account_id: 1, data });
    expect(concernsEvent(message('assignment.updated', { id: 11, event_id: 9, status: 'accepted' }), 9)).toBe(true);
    expect(concernsEvent(message('dispatch.updated', { id: 5, event_id: 8 }), 9)).toBe(false);
    expect(concernsEvent(message('event.updated', { id: 9 }), 9)).toBe(true);
    expect(concernsEvent(message('event.updated', { id: 10 }), 9)).toBe(false);
  });
});
