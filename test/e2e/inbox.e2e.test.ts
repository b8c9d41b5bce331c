import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, waitFor, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
const dialogs: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([processes.start({ env: ADMIN_ENV }), launchChromium()]);
  token = (await signIn(server.url)).token;
  context = await browser.newContext({ viewport: { width: 1366, height: 860 }, locale: 'pt-BR' });
  page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await signInAs(page, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await browser?.close();
  await processes.killAll();
});

async function signInAs(target: Page, email: string, password: string) {
  await target.goto(server.url);
  await target.getByLabel('E-mail').fill(email);
  await target.getByLabel('Senha').fill(password);
  await target.getByRole('button', { name: 'Entrar' }).click();
  await target.getByRole('button', { name: 'Sair' }).waitFor();
}

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

/** A simulated client writes to the business. */
async function clientWrites(waId: string, name: string, text: string) {
  await call('POST', '/simulator/api/phones', { wa_id: waId, name });
  await call('POST', `/simulator/api/phones/${waId}/messages`, { text });
}

const phoneMessages = (waId: string) =>
  call<{ payload: Array<{ direction: string; payload: { text?: { body?: string } } }> }>(
    'GET',
    `/simulator/api/phones/${waId}/messages`,
  ).then((response) => response.payload);

const conversationRow = (name: string) => page.locator('.conv-row', { hasText: name });

async function openConversationOf(name: string) {
  await page.getByRole('tab', { name: /Todas/ }).click();
  await conversationRow(name).click();
  await page.locator('.conv-header').getByRole('heading', { name }).waitFor();
}

async function reply(text: string) {
  await page.getByRole('textbox', { name: 'Mensagem' }).fill(text);
  await page.getByRole('button', { name: 'Enviar' }).click();
}

const bubble = (text: string) => page.locator('.msg', { hasText: text });

describe('the inbox', () => {
  it('shows a new conversation without reload, assigns it, replies and follows the ticks to "lido"', async () => {
    await page.goto(`${server.url}/conversas`);
    await page.getByRole('tab', { name: /Não atribuídas/ }).click();
    await page.getByText('Nenhuma conversa por aqui.').waitFor();

    await clientWrites('5511987650001', 'Maria Simulada', 'Olá! Vocês atendem casamentos?');
    await conversationRow('Maria Simulada').waitFor({ timeout: 15_000 });
    expect(await conversationRow('Maria Simulada').textContent()).toContain('Olá! Vocês atendem casamentos?');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-list.png') });

    await conversationRow('Maria Simulada').click();
    await page.locator('.conv-header').getByRole('heading', { name: 'Maria Simulada' }).waitFor();
    await page.getByRole('button', { name: 'Atribuir a mim' }).click();
    await page.locator('.conv-title', { hasText: 'Administrador' }).waitFor();
    // Assigned: it leaves "Não atribuídas" by itself.
    await conversationRow('Maria Simulada').waitFor({ state: 'detached' });

    await reply('Atendemos sim! Qual a data?');
    await waitFor('the reply on the simulated phone', async () =>
      (await phoneMessages('5511987650001')).find(
        (message) => message.direction === 'to_phone' && message.payload.text?.body === 'Atendemos sim! Qual a data?',
      ),
    );
    const sent = bubble('Atendemos sim! Qual a data?');
    await sent.getByRole('img', { name: 'entregue' }).waitFor({ timeout: 15_000 });
    await call('POST', '/simulator/api/phones/5511987650001/read');
    await sent.getByRole('img', { name: 'lido' }).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-conversation.png') });
  });

  it('shows a message written as HTML as text: no element is created and no script runs', async () => {
    const html = '<img src=x onerror=alert(1)>';
    await clientWrites('5511987650002', 'Cliente Curioso', html);
    await page.goto(`${server.url}/conversas`);
    await openConversationOf('Cliente Curioso');
    await bubble(html).waitFor();
    expect(await bubble(html).locator('.msg-text').textContent()).toBe(html);
    expect(await page.locator('.msg-list img, .conv-row img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('shows why WhatsApp refused a reply, in Portuguese (131026)', async () => {
    await clientWrites('5511987650003', 'Cliente Sem Zap', 'Oi, podem me ligar?');
    await page.goto(`${server.url}/conversas`);
    await openConversationOf('Cliente Sem Zap');
    await call('POST', '/simulator/api/failures', { wa_id: '5511987650003', code: 131026 });
    await reply('Claro! Qual o melhor horário?');
    const failed = bubble('Claro! Qual o melhor horário?');
    await failed.getByRole('img', { name: 'falhou' }).waitFor({ timeout: 15_000 });
    expect(await failed.locator('.msg-failure').textContent()).toContain(
      'Não foi possível entregar: o número não tem WhatsApp',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-failed-send.png') });
  });

  it('works on a phone: the conversation alone, then back to the list', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${server.url}/conversas`);
      await openConversationOf('Maria Simulada');
      expect(await page.locator('.inbox-list').isVisible()).toBe(false);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-phone-conversation.png') });
      await page.getByRole('link', { name: 'Voltar para a lista' }).click();
      await conversationRow('Maria Simulada').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-phone-list.png') });
    } finally {
      await page.setViewportSize({ width: 1366, height: 860 });
    }
  });

  it('lets the administrator download the person’s data (LGPD) from the contact panel', async () => {
    await page.goto(`${server.url}/conversas`);
    await openConversationOf('Maria Simulada');
    const panel = page.getByRole('complementary', { name: 'Contato' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel.getByRole('link', { name: 'Exportar dados da pessoa (JSON)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^contato-\d+-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    expect(exported.format).toBe('santana.person_export.v1');
    expect(exported.contact.name).toBe('Maria Simulada');
    const texts = exported.conversations.flatMap((conversation: { messages: Array<{ content: string | null }> }) =>
      conversation.messages.map((message) => message.content),
    );
    expect(texts).toEqual(expect.arrayContaining(['Olá! Vocês atendem casamentos?', 'Atendemos sim! Qual a data?']));
  });

  it('lets the administrator erase a person from the contact panel, after confirming', async () => {
    await page.goto(`${server.url}/conversas`);
    await clientWrites('5511987650077', 'Pedro Apagado', 'Quero que apaguem meus dados, por favor.');
    await page.getByRole('tab', { name: /Todas/ }).click();
    await conversationRow('Pedro Apagado').waitFor({ timeout: 15_000 });
    await openConversationOf('Pedro Apagado');
    const contactId = Number(
      (await page.getByRole('link', { name: 'Exportar dados da pessoa (JSON)' }).getAttribute('href'))?.match(
        /contacts\/(\d+)\/export/,
      )?.[1],
    );
    await page.getByRole('button', { name: 'Apagar a pessoa e os seus dados…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apagar Pedro Apagado e todos os seus dados?' });
    await dialog.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-erase-person.png') });
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(
      (await fetch(`${server.url}/api/v1/accounts/1/contacts/${contactId}`, { headers: withToken(token) })).status,
    ).toBe(200);

    await page.getByRole('button', { name: 'Apagar a pessoa e os seus dados…' }).click();
    await dialog.getByRole('button', { name: 'Apagar tudo' }).click();
    await page.waitForURL(`${server.url}/conversas`);
    await conversationRow('Pedro Apagado').waitFor({ state: 'detached' });
    expect(
      (await fetch(`${server.url}/api/v1/accounts/1/contacts/${contactId}`, { headers: withToken(token) })).status,
    ).toBe(404);
  });

  it('hides other inboxes’ conversations from an agent, and the settings too', async () => {
    const agent = { email: 'agente@example.com', password: 'senha-do-agente-123' };
    await call('POST', '/api/v1/accounts/1/agents', { name: 'Agente Fora', role: 'agent', ...agent });
    const agentContext = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pt-BR' });
    try {
      const agentPage = await agentContext.newPage();
      await signInAs(agentPage, agent.email, agent.password);
      await agentPage.goto(`${server.url}/conversas`);
      await agentPage.getByText('Você ainda não participa de nenhuma caixa de entrada').first().waitFor();
      expect(await agentPage.locator('.conv-row').count()).toBe(0);

      await agentPage.goto(`${server.url}/conversas/1`);
      await agentPage.getByText('Conversa não encontrada').waitFor();
      expect(await agentPage.getByText('Maria Simulada').count()).toBe(0);

      await agentPage.goto(`${server.url}/configuracoes`);
      await agentPage.getByText('Somente administradores podem ver esta página.').waitFor();
      await agentPage.screenshot({ path: path.join(SCREENSHOTS, 'inbox-agent-phone.png') });
    } finally {
      await agentContext.close();
    }
  });
});
