import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, waitFor, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
const AGENT = { name: 'Ana Atendente', email: 'ana@example.com', password: 'senha-da-ana-e2e-1' };
const SECRETS = { accessToken: 'EAAG-token-de-acesso-e2e-987', appSecret: 'segredo-do-app-e2e-654' };

let server: RunningServer;
let browser: Browser;
let page: Page;
let token: string;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...withToken(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function signInPage(target: Page, email: string, password: string) {
  await target.goto(server.url);
  await target.getByLabel('E-mail').fill(email);
  await target.getByLabel('Senha').fill(password);
  await target.getByRole('button', { name: 'Entrar' }).click();
  await target.getByRole('button', { name: 'Sair' }).waitFor();
}

/** Every input's current value: secrets must not come back even inside a form field. */
const inputValues = (target: Page) =>
  target.$$eval('input, textarea', (elements) =>
    elements.map((element) => (element as unknown as { value: string }).value),
  );

beforeAll(async () => {
  // A local receiver for the account webhook: answers 200 and keeps what it got.
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/santana`;

  [server, browser] = await Promise.all([
    processes.start({ env: ADMIN_ENV, readyTimeoutMs: 75_000 }),
    launchChromium(),
  ]);
  token = (await signIn(server.url)).token;
  await api('POST', '/api/v1/accounts/1/agents', { ...AGENT, role: 'agent' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'pt-BR' });
  page = await context.newPage();
  await signInPage(page, ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await browser?.close();
  await processes.killAll();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('administrators’ settings', () => {
  it('creates a WhatsApp inbox and shows the webhook URL and verify token, never the secrets', async () => {
    await page.getByRole('link', { name: 'Configurações' }).click();
    await page.waitForURL('**/configuracoes/caixas-de-entrada');
    await page.getByRole('link', { name: 'Nova caixa de entrada' }).click();
    await page.getByLabel('Nome', { exact: true }).fill('Atendimento Loja');
    await page.getByLabel('Número de telefone').fill('+55 11 91234-5678');
    await page.getByLabel('Phone number ID').fill('111222333444');
    await page.getByLabel('WABA ID (conta do WhatsApp Business)').fill('555666777');
    await page.getByLabel('Token de acesso').fill(SECRETS.accessToken);
    await page.getByLabel('App secret').fill(SECRETS.appSecret);
    await page.getByLabel('Token de verificação do webhook').fill('verifica-e2e-123');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-inbox-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Criar caixa de entrada' }).click();

    await page.getByText('Caixa de entrada criada.').waitFor();
    expect(await page.getByLabel('URL de callback (webhook)', { exact: true }).inputValue()).toBe(
      `${server.url}/webhooks/whatsapp/5511912345678`,
    );
    expect(await page.getByLabel('Token de verificação', { exact: true }).inputValue()).toBe('verifica-e2e-123');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-inbox-connection.png'), fullPage: true });

    const shown = [await page.content(), ...(await inputValues(page))].join('\n');
    expect(shown).not.toContain(SECRETS.accessToken);
    expect(shown).not.toContain(SECRETS.appSecret);

    // Editing starts with the secrets blank and says how to keep them.
    await page.getByRole('button', { name: 'Editar' }).click();
    await page.getByLabel('Token de acesso').waitFor();
    expect(await page.getByLabel('Token de acesso').inputValue()).toBe('');
    expect(await page.getByText('Deixe em branco para manter o valor atual', { exact: false }).count()).toBeGreaterThan(
      0,
    );
    expect((await inputValues(page)).join('\n')).not.toContain(SECRETS.appSecret);
    await page.getByRole('button', { name: 'Cancelar' }).click();
    await page.reload();
    await page.getByLabel('URL de callback (webhook)', { exact: true }).waitFor();
    expect(await page.content()).not.toContain(SECRETS.accessToken);
  });

  it('shows the API’s message next to a field, then creates a label and a canned response', async () => {
    await page.getByRole('link', { name: 'Marcadores' }).click();
    await page.getByRole('button', { name: 'Novo marcador' }).click();
    await page.getByLabel('Nome', { exact: true }).fill('Orcamento');
    await page.getByLabel('Descrição').fill('Pediu orçamento');
    await page.getByLabel('Cor em hexadecimal').fill('#e11d48');
    await page.getByRole('button', { name: 'Salvar' }).click();
    await page.getByRole('list', { name: 'Marcadores' }).getByText('orcamento').waitFor();
    const labels = await api<{ payload: Array<{ title: string; color: string }> }>('GET', '/api/v1/accounts/1/labels');
    expect(labels.payload).toContainEqual(expect.objectContaining({ title: 'orcamento', color: '#e11d48' }));

    await page.getByRole('link', { name: 'Respostas prontas' }).click();
    await page.getByRole('button', { name: 'Nova resposta pronta' }).click();
    await page.getByLabel('Atalho').fill('boas vindas');
    await page.getByLabel('Texto').fill('Olá {{contact.name}}, obrigado pelo contato!');
    await page.getByRole('button', { name: 'Salvar' }).click();
    await page.getByText('o atalho não pode ter espaços').waitFor();
    expect(await page.getByLabel('Atalho').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Atalho').fill('boas-vindas');
    await page.getByRole('button', { name: 'Salvar' }).click();
    await page.getByText('/boas-vindas').waitFor();
    expect(await page.getByText('Olá {{contact.name}}, obrigado pelo contato!').count()).toBe(1);
  });

  it('creates a webhook and its delivery log shows the event delivered to the receiver', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('link', { name: 'Novo webhook' }).click();
    await page.getByLabel('URL', { exact: true }).fill(receiverUrl);
    await page.getByLabel('Nome (opcional)').fill('n8n');
    await page.getByRole('button', { name: 'Salvar' }).click();
    await page.getByText('Webhook criado.', { exact: false }).waitFor();
    expect(await page.getByLabel('Segredo de assinatura', { exact: true }).inputValue()).toMatch(/.{16,}/);
    await page.getByText('Nenhuma entrega ainda.', { exact: false }).waitFor();

    // A client writes from the simulator: message_created (and friends) go out to the receiver.
    await api('POST', '/simulator/api/phones/5511955554444/messages', { text: 'Quero um orçamento' });
    const log = page.getByTestId('webhook-deliveries');
    await log.getByRole('row').filter({ hasText: 'message_created' }).filter({ hasText: 'Entregue' }).first().waitFor({
      timeout: 20_000,
    });
    const row = log.getByRole('row').filter({ hasText: 'message_created' }).first();
    expect(await row.textContent()).toContain('200');
    const delivered = await waitFor('the receiver to get message_created', async () =>
      received.find((request) => request.body.includes('"message_created"')),
    );
    expect(delivered.headers['x-chatwoot-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await page.getByRole('button', { name: /^Reenviar/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-webhook-log.png'), fullPage: true });
  });

  it('lists the simulator inbox’s templates and syncs them on “Sincronizar agora”', async () => {
    const state = await api<{ inbox: { id: number } }>('GET', '/simulator/api/state');
    await page.goto(`${server.url}/configuracoes/modelos/${state.inbox.id}`);
    await page.getByRole('button', { name: 'Sincronizar agora' }).click();
    await page.getByText(/^Modelos sincronizados: \d+\.$/).waitFor();
    const table = page.getByRole('table');
    await table.getByText('boas_vindas').waitFor();
    expect(await table.getByText('Olá {{1}}! Obrigado por falar com a gente.', { exact: false }).count()).toBe(1);
    expect(await table.getByText('Aprovado').count()).toBeGreaterThan(0);
    await page.getByText(/^Última sincronização: /).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'settings-templates.png'), fullPage: true });
  });

  it('tells an agent the settings are for administrators and shows no Configurações link', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, locale: 'pt-BR' });
    const agentPage = await context.newPage();
    try {
      await signInPage(agentPage, AGENT.email, AGENT.password);
      expect(await agentPage.getByRole('link', { name: 'Configurações' }).count()).toBe(0);
      await agentPage.goto(`${server.url}/configuracoes/webhooks`);
      await agentPage.getByText('Somente administradores podem ver esta página.').waitFor();
      expect(await agentPage.getByRole('link', { name: 'Configurações' }).count()).toBe(0);
      expect(await agentPage.getByText('Registro de entregas').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
