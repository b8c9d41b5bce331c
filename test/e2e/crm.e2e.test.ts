import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
const ACCOUNT = '/api/v1/accounts/1';
// A Saturday evening far enough ahead to stay in the future.
const DAY = '2030-06-08';
const JOANA = { waId: '5511987650101', name: 'Joana Noiva' };

let server: RunningServer;
let browser: Browser;
let page: Page;
let token: string;
let eventUrl = '';

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...withToken(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Service types, three providers and another client's party that already has the DJ Bruno booked. */
async function seedCrm() {
  for (const name of ['Garçom', 'DJ']) await call('POST', `${ACCOUNT}/service_types`, { name });
  const provider = (name: string, phone: string, services: string[]) =>
    call<{ id: number }>('POST', `${ACCOUNT}/providers`, {
      name,
      phone_number: phone,
      services,
      regions: ['São Paulo'],
    });
  const bruno = await provider('Bruno DJ', '5511987650201', ['DJ']);
  await provider('Caio DJ', '5511987650202', ['DJ']);
  await provider('Ana Garçonete', '5511987650203', ['Garçom']);
  const carla = await call<{ id: number }>('POST', `${ACCOUNT}/clients`, {
    name: 'Carla Cliente',
    phone_number: '5511987650301',
  });
  const party = await call<{ id: number }>('POST', `${ACCOUNT}/events`, {
    title: 'Aniversário da Carla',
    client_id: carla.id,
    starts_at: `${DAY}T18:00:00-03:00`,
    ends_at: `${DAY}T22:00:00-03:00`,
    staffing: [{ service: 'DJ', quantity: 1 }],
  });
  await call('POST', `${ACCOUNT}/events/${party.id}/assignments`, { provider_id: bruno.id, service: 'DJ' });
}

beforeAll(async () => {
  [server, browser] = await Promise.all([processes.start({ env: ADMIN_ENV }), launchChromium()]);
  token = (await signIn(server.url)).token;
  await seedCrm();
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'pt-BR' });
  page = await context.newPage();
  await page.goto(server.url);
  await page.getByLabel('E-mail').fill(ADMIN.email);
  await page.getByLabel('Senha').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('button', { name: 'Sair' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await processes.killAll();
});

async function openJoanasConversation(): Promise<Locator> {
  await page.goto(`${server.url}/conversas`);
  await page.getByRole('tab', { name: /Todas/ }).click();
  await page.locator('.conv-row', { hasText: JOANA.name }).click();
  await page.locator('.conv-header').getByRole('heading', { name: JOANA.name }).waitFor();
  const crm = page.locator('.crm-contact');
  await crm.getByRole('button', { name: 'Novo evento' }).and(page.locator(':enabled')).waitFor();
  return crm;
}

const dialog = () => page.getByRole('dialog');

describe('the CRM screens', () => {
  it('creates a client and an event from a conversation, pre-filled from its contact', async () => {
    await call('POST', '/simulator/api/phones', { wa_id: JOANA.waId, name: JOANA.name });
    await call('POST', `/simulator/api/phones/${JOANA.waId}/messages`, {
      text: 'Oi! Quero orçamento para meu casamento',
    });
    const crm = await openJoanasConversation();
    await crm.getByText('Ainda não é cliente.').waitFor();

    await crm.getByRole('button', { name: 'Criar cliente' }).click();
    expect(await dialog().getByLabel('Nome').inputValue()).toBe(JOANA.name);
    expect(await dialog().getByLabel('Telefone').inputValue()).toContain('987650101');
    await dialog().getByLabel('CPF ou CNPJ').fill('123.456.789-00');
    await dialog().getByRole('button', { name: 'Salvar' }).click();
    // The API's complaint lands next to the field it names.
    await dialog().locator('.settings-field', { hasText: 'CPF ou CNPJ' }).locator('.settings-field-error').waitFor();
    await dialog().getByLabel('CPF ou CNPJ').fill('529.982.247-25');
    await dialog().getByRole('button', { name: 'Salvar' }).click();
    await dialog().waitFor({ state: 'detached' });
    await crm.locator('.settings-badge', { hasText: 'Cliente' }).waitFor();

    await crm.getByRole('button', { name: 'Novo evento' }).click();
    expect(await dialog().getByLabel('Título').inputValue()).toBe(`Evento de ${JOANA.name}`);
    await dialog().getByLabel('Título').fill('Casamento da Joana');
    await dialog().getByLabel('Início').fill(`${DAY}T19:00`);
    await dialog().getByLabel('Fim').fill(`${DAY}T23:30`);
    await dialog().getByLabel('Valor (R$)').fill('15.000,00');
    await dialog().getByRole('button', { name: 'Adicionar vaga' }).click();
    await dialog().getByLabel('Serviço da vaga 1').selectOption('DJ');
    await dialog().getByRole('button', { name: 'Agendar evento' }).click();
    await dialog().waitFor({ state: 'detached' });

    await crm.getByRole('link', { name: 'Casamento da Joana', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Casamento da Joana' }).waitFor();
    eventUrl = page.url();
    expect(await page.getByTestId('event-status').textContent()).toBe('Agendado');
    const details = page.locator('.crm-card', { hasText: 'Detalhes' });
    expect(await details.textContent()).toContain(JOANA.name);
    expect((await details.textContent())?.replace(/\s/g, ' ')).toContain('R$ 15.000,00');
    await details.getByRole('link', { name: /Conversa #\d+/ }).waitFor();
    expect(await page.locator('.crm-understaffed', { hasText: 'DJ' }).textContent()).toBe('DJ10');
  });

  it('assigns a free provider, and refuses a double booking with the API’s Portuguese sentence', async () => {
    await page.goto(eventUrl);
    await page.getByRole('button', { name: 'Atribuir prestador' }).click();
    const provider = dialog().getByLabel('Prestador');
    // Bruno plays at Carla's party at the same time: only Caio is offered.
    await provider.locator('option', { hasText: 'Caio DJ' }).waitFor({ state: 'attached' });
    expect(await provider.locator('option').allTextContents()).toEqual(['Caio DJ · São Paulo']);

    await dialog().getByLabel('Mostrar também quem já está escalado nesse horário').check();
    await provider.locator('option', { hasText: 'Bruno DJ' }).waitFor({ state: 'attached' });
    await provider.selectOption({ label: 'Bruno DJ · São Paulo' });
    await dialog().getByRole('button', { name: 'Atribuir', exact: true }).click();
    const refusal = dialog().getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Prestador indisponível');
    expect(await refusal.textContent()).toContain('Aniversário da Carla');
    expect(await refusal.textContent()).toMatch(/Bruno DJ já está escalad/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-double-booking.png') });

    await provider.selectOption({ label: 'Caio DJ · São Paulo' });
    await dialog().getByRole('button', { name: 'Atribuir', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    const assigned = page.getByRole('list', { name: 'Prestadores escalados' });
    expect(await assigned.textContent()).toContain('Caio DJ');
    expect(await assigned.textContent()).toContain('Escalado');
    expect(await page.locator('.crm-staffed', { hasText: 'DJ' }).textContent()).toContain('DJ11');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-event-page.png'), fullPage: true });
  });

  it('finds clients by document and providers by service and availability, down to the provider page', async () => {
    await page.getByRole('link', { name: 'Clientes' }).click();
    await page.getByRole('searchbox', { name: 'Buscar cliente' }).fill('52998224725');
    // Only Joana matches her CPF: Carla leaves the list.
    await page.getByRole('row', { name: /Carla Cliente/ }).waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /Joana Noiva/ });
    expect(await row.textContent()).toContain('529.982.247-25');

    await page.getByRole('link', { name: 'Prestadores' }).click();
    await page.getByLabel('Serviço').selectOption('DJ');
    await page.getByRole('link', { name: 'Bruno DJ', exact: true }).waitFor();
    await page.getByLabel('Livre de').fill(`${DAY}T20:00`);
    await page.getByLabel('Até').fill(`${DAY}T21:00`);
    // Bruno plays at Carla's party and Caio at Joana's wedding: nobody is free.
    await page.getByText('Nenhum prestador com esses filtros.').waitFor();
    // On a desktop screen no filter (the date pickers least of all) spills over its neighbour.
    const boxes = await page
      .locator('.crm-filters')
      .locator('input, select')
      .evaluateAll((controls) =>
        controls.map((control) => {
          const { left, right, top, bottom } = control.getBoundingClientRect();
          return { left, right, top, bottom };
        }),
      );
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
        expect(apart, JSON.stringify([a, b])).toBe(true);
      }
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-provider-filters.png') });
    await page.getByLabel('Até').fill('');
    await page.getByRole('link', { name: 'Caio DJ', exact: true }).click();
    const upcoming = page.locator('.crm-card', { hasText: 'Próximas escalas' });
    await upcoming.getByRole('link', { name: 'Casamento da Joana', exact: true }).waitFor();
    expect(await upcoming.textContent()).toContain('Escalado');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-provider-page.png'), fullPage: true });
  });

  it('shows the events on the calendar in São Paulo time, by month and by week', async () => {
    await page.goto(`${server.url}/eventos?vista=mes&dia=${DAY}`);
    const saturday = page.locator(`td[data-day="${DAY}"]`);
    await saturday.getByRole('link', { name: '19:00 Casamento da Joana (Agendado)' }).waitFor();
    await saturday.getByRole('link', { name: '18:00 Aniversário da Carla (Agendado)' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-calendar-month.png'), fullPage: true });

    await page.getByRole('button', { name: 'Semana' }).click();
    await page
      .locator(`li[data-day="${DAY}"]`)
      .getByRole('link', { name: /Casamento da Joana/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Casamento da Joana' }).waitFor();

    // On a phone the list view reads best.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}/eventos?vista=lista&dia=${DAY}`);
      await page.locator('.crm-event-row', { hasText: 'Casamento da Joana' }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-events-phone.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it('moves a deal across the kanban by dragging it and with the keyboard alternative', async () => {
    const crm = await openJoanasConversation();
    await crm.getByRole('button', { name: 'Novo negócio' }).click();
    await dialog().getByLabel('Valor (R$)').fill('5.000');
    await dialog().getByRole('button', { name: 'Criar negócio' }).click();
    await dialog().waitFor({ state: 'detached' });
    const dealTitle =
      (await crm.locator('.crm-contact-block', { hasText: 'Negócios' }).getByRole('link').textContent()) ?? '';
    expect(dealTitle).toMatch(/^Joana Noiva — conversa #\d+$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-contact-panel.png'), fullPage: true });

    await page.getByRole('link', { name: 'Funil' }).click();
    const column = (stage: string) => page.locator(`section.crm-column[data-stage="${stage}"]`);
    const card = page.getByRole('article', { name: dealTitle });
    await column('Novo').getByRole('article', { name: dealTitle }).waitFor();
    expect((await column('Novo').getByTestId('stage-totals').textContent())?.replace(/\s/g, ' ')).toBe(
      '1 · R$ 5.000,00',
    );

    await card.dragTo(column('Proposta'));
    await column('Proposta').getByRole('article', { name: dealTitle }).waitFor();
    expect((await column('Proposta').getByTestId('stage-totals').textContent())?.replace(/\s/g, ' ')).toBe(
      '1 · R$ 5.000,00',
    );
    expect((await column('Novo').getByTestId('stage-totals').textContent())?.replace(/\s/g, ' ')).toBe('0 · R$ 0,00');

    await card.getByLabel(`Mover ${dealTitle} para`).selectOption({ label: 'Negociação' });
    await column('Negociação').getByRole('article', { name: dealTitle }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-kanban.png'), fullPage: true });

    // It was saved: a fresh board has it in Negociação.
    await page.reload();
    await column('Negociação').getByRole('article', { name: dealTitle }).waitFor();

    // Live: a move and a new deal made elsewhere (here, the API) reach the open board without a reload.
    await page.locator('.crm-board[data-live="open"]').waitFor();
    const deals = await call<{ payload: Array<{ id: number; title: string; contact_id: number }> }>(
      'GET',
      `${ACCOUNT}/deals`,
    );
    const deal = deals.payload.find((candidate) => candidate.title === dealTitle);
    const stages = await call<{ payload: Array<{ id: number; name: string }> }>('GET', `${ACCOUNT}/pipeline_stages`);
    const qualified = stages.payload.find((stage) => stage.name === 'Qualificado');
    await call('PATCH', `${ACCOUNT}/deals/${deal?.id}`, { stage_id: qualified?.id });
    await column('Qualificado').getByRole('article', { name: dealTitle }).waitFor();
    await call('POST', `${ACCOUNT}/deals`, {
      title: 'Festa de outra aba',
      contact_id: deal?.contact_id,
      value_cents: 80_000,
    });
    await column('Novo').getByRole('article', { name: 'Festa de outra aba' }).waitFor();
    expect((await column('Novo').getByTestId('stage-totals').textContent())?.replace(/\s/g, ' ')).toBe('1 · R$ 800,00');
  });

  it('creates a service type in settings and a provider offering it through the form, then filters by it', async () => {
    await page.goto(`${server.url}/configuracoes/tipos-de-servico`);
    await page.getByRole('button', { name: 'Novo tipo de serviço' }).click();
    await page.getByRole('textbox', { name: 'Nome' }).fill('Montagem');
    await page.getByRole('button', { name: 'Salvar' }).click();
    await page.getByRole('list', { name: 'Tipos de serviço' }).getByText('Montagem', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Prestadores' }).click();
    await page.getByRole('button', { name: 'Novo prestador' }).click();
    await dialog().getByLabel('Nome', { exact: true }).fill('Davi Montador');
    await dialog().getByLabel('Telefone (WhatsApp)').fill('não é número');
    await dialog().getByLabel('Montagem').check();
    await dialog().getByLabel('Regiões atendidas').fill('São Paulo, ABC');
    await dialog().getByRole('button', { name: 'Salvar' }).click();
    // The API's complaint lands beside the phone field, and nothing is created.
    await dialog().locator('.settings-field', { hasText: 'Telefone' }).locator('.settings-field-error').waitFor();
    await dialog().getByLabel('Telefone (WhatsApp)').fill('(11) 98765-0204');
    await dialog().getByRole('button', { name: 'Salvar' }).click();
    await dialog().waitFor({ state: 'detached' });

    await page.getByLabel('Serviço').selectOption('Montagem');
    await page.getByRole('link', { name: 'Davi Montador', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Bruno DJ', exact: true }).waitFor({ state: 'detached' });
    expect(await page.getByRole('row', { name: /Davi Montador/ }).textContent()).toContain('São Paulo, ABC');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-providers-by-service.png'), fullPage: true });

    await page.getByRole('link', { name: 'Davi Montador', exact: true }).click();
    await page.getByRole('button', { name: 'Editar Davi Montador' }).click();
    expect(await dialog().getByLabel('Montagem').isChecked()).toBe(true);
    await dialog().getByLabel('Regiões atendidas').fill('São Paulo, ABC, Guarulhos');
    await dialog().getByRole('button', { name: 'Salvar' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.locator('.crm-card').getByText('Guarulhos', { exact: true }).waitFor();
  });

  it('lists "Minhas tarefas" created from the conversation and marks one done', async () => {
    const crm = await openJoanasConversation();
    await crm.getByRole('button', { name: 'Nova tarefa' }).click();
    await dialog().getByLabel('O que fazer').fill('Enviar proposta do casamento');
    await dialog().getByRole('button', { name: 'Criar tarefa' }).click();
    await dialog().waitFor({ state: 'detached' });
    // The timeline may list it too ("Tarefa: …"): wait for the task list's own entry.
    await crm.locator('.crm-task-title', { hasText: 'Enviar proposta do casamento' }).waitFor();

    await page.getByRole('link', { name: 'Tarefas' }).click();
    const task = page.getByRole('checkbox', { name: /Enviar proposta do casamento/ });
    await task.check();
    await page.getByRole('button', { name: 'Feitas' }).click();
    expect(await page.getByRole('checkbox', { name: /Enviar proposta do casamento/ }).isChecked()).toBe(true);
  });

  it('deletes a client and an event after confirming; an event with history is cancelled instead', async () => {
    await call('POST', `${ACCOUNT}/clients`, {
      name: 'Cliente Para Excluir',
      phone_number: '5511987650401',
    });
    await page.goto(`${server.url}/clientes`);
    await page.getByRole('searchbox', { name: 'Buscar cliente' }).fill('Cliente Para');
    await page.getByRole('button', { name: 'Excluir Cliente Para Excluir' }).click();
    await dialog().getByRole('heading', { name: 'Excluir o cliente “Cliente Para Excluir”?' }).waitFor();
    await dialog().getByRole('button', { name: 'Excluir' }).click();
    await page.getByText('Nenhum cliente encontrado para “Cliente Para”.').waitFor();

    const carla = (await call<{ payload: Array<{ id: number }> }>('GET', `${ACCOUNT}/clients?q=Carla`)).payload[0];
    const book = (title: string, day: string) =>
      call<{ id: number }>('POST', `${ACCOUNT}/events`, {
        title,
        client_id: carla?.id,
        starts_at: `${day}T12:00:00-03:00`,
        ends_at: `${day}T15:00:00-03:00`,
        staffing: [{ service: 'Garçom', quantity: 1 }],
      });
    const deleteFromItsPage = async (eventId: number) => {
      await page.goto(`${server.url}/eventos/${eventId}`);
      await page.getByRole('button', { name: 'Excluir evento' }).click();
      await dialog().getByRole('button', { name: 'Excluir evento' }).click();
    };

    const fresh = await book('Almoço sem escalas', '2030-07-01');
    await deleteFromItsPage(fresh.id);
    await page.waitForURL(/\/eventos$/);
    expect((await fetch(`${server.url}${ACCOUNT}/events/${fresh.id}`, { headers: withToken(token) })).status).toBe(404);

    // An event that had a provider (even withdrawn) keeps its history: the API refuses, the page offers to cancel.
    const used = await book('Almoço com histórico', '2030-07-02');
    const ana = (await call<{ payload: Array<{ id: number }> }>('GET', `${ACCOUNT}/providers?q=Ana`)).payload[0];
    const assignment = await call<{ id: number }>('POST', `${ACCOUNT}/events/${used.id}/assignments`, {
      provider_id: ana?.id,
      service: 'Garçom',
    });
    await call('DELETE', `${ACCOUNT}/events/${used.id}/assignments/${assignment.id}`);
    await deleteFromItsPage(used.id);
    const refusal = page.locator('.crm-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('cancele-o');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'crm-event-delete-refused.png') });
    await refusal.getByRole('button', { name: 'Cancelar o evento' }).click();
    await dialog().getByRole('button', { name: 'Cancelar evento' }).click();
    await page.getByTestId('event-status').filter({ hasText: 'Cancelado' }).waitFor();
    await refusal.waitFor({ state: 'detached' });
  });
});
