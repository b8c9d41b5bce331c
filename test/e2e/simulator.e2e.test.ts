import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, waitFor, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
let server: RunningServer;
let browser: Browser;
let page: Page;
let token: string;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    // The embedded default: the simulator inbox exists from the first start.
    processes.start({ env: ADMIN_ENV }),
    launchChromium(),
  ]);
  token = (await signIn(server.url)).token;
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'pt-BR' });
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

interface ApiJson {
  id: number;
  data: { payload: Array<{ id: number; meta: { sender: { name: string } } }> };
  payload: Array<{ id: number; content: string; content_type: string; whatsapp_status: string }>;
}

const api = async (method: string, url: string, body?: unknown) => {
  const response = await fetch(`${server.url}/api/v1/accounts/1${url}`, {
    method,
    headers: { ...withToken(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as ApiJson };
};

describe('talking to yourself through the simulator', () => {
  it('a phone’s message reaches Santana, the reply reaches the phone, and its ticks move to read', async () => {
    await page.goto(`${server.url}/simulator`);
    await page.getByLabel('Nome').fill('Maria Simulada');
    await page.getByLabel('Número (opcional)').fill('5511987650123');
    await page.getByRole('button', { name: 'Novo telefone' }).click();
    await page.getByLabel('Mensagem do telefone').fill('Olá! Vocês atendem casamentos?');
    await page.getByRole('button', { name: 'Enviar do telefone' }).click();
    await page.getByText('Olá! Vocês atendem casamentos?').waitFor();

    const conversation = await waitFor('the conversation in the API', async () => {
      const { json } = await api('GET', '/conversations?q=5511987650123');
      return json.data.payload[0];
    });
    expect(conversation.meta.sender.name).toBe('Maria Simulada');

    const reply = await api('POST', `/conversations/${conversation.id}/messages`, {
      content: 'Atendemos sim! Qual a data?',
      content_type: 'input_select',
      content_attributes: {
        items: [
          { title: 'Este mês', value: 'mes' },
          { title: 'Ano que vem', value: 'ano' },
        ],
      },
    });
    expect(reply.status).toBe(200);
    await page.getByText('Atendemos sim! Qual a data?').waitFor({ timeout: 15_000 });
    // The page is open on this phone, so it reports the message read.
    await page.getByRole('img', { name: 'lida' }).first().waitFor({ timeout: 15_000 });
    await waitFor('the reply to be read in Santana', async () => {
      const { json } = await api('GET', `/conversations/${conversation.id}/messages`);
      const sent = json.payload.find((message) => message.id === reply.json.id);
      return sent?.whatsapp_status === 'read' ? sent : undefined;
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'simulator.png'), fullPage: true });

    await page.getByRole('button', { name: 'Este mês' }).click();
    await waitFor('the button reply in Santana', async () => {
      const { json } = await api('GET', `/conversations/${conversation.id}/messages`);
      return json.payload.find(
        (message: { content: string; content_type: string }) =>
          message.content === 'Este mês' && message.content_type === 'interactive_reply',
      );
    });
  });
});
