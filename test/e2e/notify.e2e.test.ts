import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, waitFor, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
const ACCOUNT = '/api/v1/accounts/1';
// Far enough ahead to stay in the future; 19:00 in São Paulo, so the 24-hour reminder is due the day before.
const DAY = '2030-06-08';
const PAULO = { waId: '5511987650401', name: 'Paulo Garçom' };

let server: RunningServer;
let browser: Browser;
let page: Page;
let token: string;
let eventId = 0;

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

/** A waiter service, a provider who offers it (and has written to the business, so its window is open), a client. */
async function seed() {
  await call('POST', `${ACCOUNT}/service_types`, { name: 'Garçom' });
  await call('POST', `${ACCOUNT}/providers`, {
    name: PAULO.name,
    phone_number: PAULO.waId,
    services: ['Garçom'],
    regions: ['São Paulo'],
  });
  await call('POST', '/simulator/api/phones', { wa_id: PAULO.waId, name: PAULO.name });
  await call('POST', `/simulator/api/phones/${PAULO.waId}/messages`, { text: 'Oi, estou disponível esta semana' });
  const client = await call<{ id: number }>('POST', `${ACCOUNT}/clients`, {
    name: 'Marta Cliente',
    phone_number: '5511987650402',
  });
  return client.id;
}

let clientId = 0;

beforeAll(async () => {
  [server, browser] = await Promise.all([processes.start({ env: ADMIN_ENV }), launchChromium()]);
  token = (await signIn(server.url)).token;
  clientId = await seed();
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

describe('notifications and dispatch in the browser', () => {
  it('writes a template with a live preview, refusing an unknown variable', async () => {
    await page.getByRole('link', { name: 'Notificações' }).click();
    await page.getByRole('heading', { name: 'Envios' }).waitFor();
    await page.getByRole('link', { name: 'Modelos' }).click();
    await page.getByRole('link', { name: 'Novo modelo' }).click();

    await page.getByLabel('Nome', { exact: true }).fill('Lembrete do evento');
    const text = page.getByLabel('Texto livre (janela de 24 horas aberta)');
    await text.fill('Oi {{client.first_name}}, amanhã é {{event.title}} às {{event.nada}}');
    const preview = page.locator('.notify-preview');
    await preview
      .getByRole('alert')
      .getByText(/variável desconhecida: \{\{event\.nada\}\}/)
      .waitFor();

    await text.fill('Oi {{client.first_name}}, amanhã é {{event.title}} às {{event.time}}!');
    // Example values fill what is not chosen yet.
    await preview.getByText('Oi Maria, amanhã é Casamento Silva às 19:00!').waitFor();
    await page
      .getByLabel('SMS', { exact: true })
      .fill('{{account.name}}: {{event.title}} em {{event.date}} às {{event.time}}.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'notify-template-editor.png'), fullPage: true });
    await page.getByRole('button', { name: 'Criar modelo' }).click();
    await page.getByRole('list', { name: 'Modelos de notificação' }).getByText('Lembrete do evento').waitFor();
  });

  it('turns the default client reminder on with that template', async () => {
    await page.getByRole('link', { name: 'Regras' }).click();
    const rules = page.getByRole('list', { name: 'Regras de notificação' });
    await rules.getByText('Lembrete ao cliente 24 h antes').waitFor();
    // No template yet: it cannot be switched on.
    expect(await page.getByLabel('Regra Lembrete ao cliente 24 h antes ativa').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Editar Lembrete ao cliente 24 h antes' }).click();
    await page.getByLabel('Modelo', { exact: true }).selectOption({ label: 'Lembrete do evento' });
    await page.getByLabel('Ativa', { exact: true }).check();
    await page.getByRole('button', { name: 'Salvar' }).click();
    await rules.getByText('1 dia antes do início · Cliente · Lembrete do evento').waitFor();
    expect(await page.getByLabel('Regra Lembrete ao cliente 24 h antes ativa').isChecked()).toBe(true);
  });

  it('shows the new event’s reminder scheduled on its page, in São Paulo time', async () => {
    const event = await call<{ id: number }>('POST', `${ACCOUNT}/events`, {
      title: 'Formatura da Marta',
      client_id: clientId,
      starts_at: `${DAY}T19:00:00-03:00`,
      ends_at: `${DAY}T23:00:00-03:00`,
      staffing: [{ service: 'Garçom', quantity: 1 }],
    });
    eventId = event.id;
    // The rule planner runs in the background: wait until it scheduled the reminder.
    await waitFor('the reminder to be scheduled', async () => {
      const list = await call<{ payload: Array<{ status: string }> }>(
        'GET',
        `${ACCOUNT}/notifications?event_id=${eventId}`,
      );
      return list.payload.find((item) => item.status === 'scheduled');
    });
    await page.goto(`${server.url}/eventos/${eventId}`);
    await page.getByRole('heading', { level: 1, name: 'Formatura da Marta' }).waitFor();
    const reminders = page.getByRole('table', { name: 'Lembretes e mensagens do evento' });
    const row = reminders.getByRole('row', { name: /Marta Cliente/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('previsto 07/06/2030, 19:00');
    expect(await row.textContent()).toContain('Agendada');
  });

  it('dispatches the waiter place and shows the provider’s acceptance from the phone without a reload', async () => {
    const panel = page.locator('.dispatch-panel');
    await panel.getByText('Atualiza sozinho').waitFor();
    await panel.getByLabel('Serviço').selectOption({ label: 'Garçom (1 vaga(s) em aberto)' });
    await panel.getByLabel('Um de cada vez (o próximo quando alguém recusa ou não responde)').check();
    await panel.getByRole('button', { name: 'Despachar' }).click();
    const offers = panel.getByRole('list', { name: 'Ofertas de Garçom' });
    const offer = offers.locator(`li[data-status]`, { hasText: PAULO.name });
    await offer.getByText('Aguardando').waitFor();

    // The provider answers on the simulated phone, in another tab.
    const phone = await page.context().newPage();
    await phone.goto(`${server.url}/simulator`);
    await phone
      .getByRole('button', { name: new RegExp(PAULO.waId) })
      .first()
      .click();
    await phone.getByRole('button', { name: 'Aceitar' }).click({ timeout: 20_000 });

    // The event page follows by itself: the offer, the staffing and the assignments.
    await offer.getByText('Aceitou').waitFor({ timeout: 20_000 });
    expect(await offer.textContent()).toContain('pelo botão');
    await page.getByRole('list', { name: 'Prestadores escalados' }).getByText('Aceito').waitFor();
    await page.locator('.crm-staffed', { hasText: 'Garçom' }).waitFor();
    await panel.getByText('Concluído').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'notify-dispatch-accepted.png'), fullPage: true });
    await phone.close();
  });

  it('lists the offer and the reminder in the notifications screen, filtered by kind', async () => {
    await page.goto(`${server.url}/notificacoes/envios?tipo=offer`);
    const table = page.getByRole('table', { name: 'Notificações' });
    await table.getByRole('row', { name: new RegExp(PAULO.name) }).waitFor();
    expect(await table.textContent()).not.toContain('Marta Cliente');
    await page.getByLabel('Tipo').selectOption({ label: 'Todos' });
    await table.getByRole('row', { name: /Marta Cliente/ }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'notify-list.png'), fullPage: true });
  });
});
