import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker, signIn, waitFor, withToken } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

// The composer of the attendants' app (issue 4 §3) against the real server and its WhatsApp simulator.
const processes = createProcessTracker();
let server: RunningServer;
let browser: Browser;
let page: Page;
let token: string;

// A 1×1 PNG: the backend checks the bytes, not the name.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  // The machine is shared with other suites: PGlite's first migration can take a while under load.
  [server, browser] = await Promise.all([
    processes.start({ env: ADMIN_ENV, readyTimeoutMs: 80_000 }),
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

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { ...withToken(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}
const api = <T>(method: string, url: string, body?: unknown) => request<T>(method, `/api/v1/accounts/1${url}`, body);

interface PhonePayload {
  type?: string;
  text?: { body?: string };
  image?: { caption?: string; mime_type?: string };
  template?: { name?: string; components?: Array<{ type: string; parameters?: Array<{ text?: string }> }> };
}

/** What the simulated phone received from the business, newest last. */
async function received(waId: string): Promise<PhonePayload[]> {
  const { payload } = await request<{ payload: Array<{ direction: string; payload: PhonePayload }> }>(
    'GET',
    `/simulator/api/phones/${waId}/messages`,
  );
  return payload.filter((message) => message.direction === 'to_phone').map((message) => message.payload);
}

const phoneReceives = (waId: string, what: string, match: (payload: PhonePayload) => boolean) =>
  waitFor(`the phone ${waId} to receive ${what}`, async () => (await received(waId)).find(match), 20_000);

/** A client writes from the simulator; answers the conversation's display id. */
async function conversationFromPhone(name: string, waId: string, text: string): Promise<number> {
  await request('POST', '/simulator/api/phones', { wa_id: waId, name });
  await request('POST', `/simulator/api/phones/${waId}/messages`, { text });
  return waitFor('the conversation from the phone', async () => {
    const { data } = await api<{ data: { payload: Array<{ id: number }> } }>('GET', `/conversations?q=${waId}`);
    return data.payload[0]?.id;
  });
}

async function openConversation(displayId: number): Promise<Locator> {
  await page.goto(`${server.url}/conversas/${displayId}`);
  const composer = page.getByRole('region', { name: 'Responder à conversa' });
  await composer.waitFor({ timeout: 15_000 });
  return composer;
}

const textbox = (composer: Locator) => composer.getByRole('textbox', { name: 'Mensagem', exact: true });

describe('the composer', () => {
  const waId = '5511987650301';
  let displayId: number;

  beforeAll(async () => {
    displayId = await conversationFromPhone('Maria Composer', waId, 'Olá! Vocês fazem buffet?');
  });

  it('sends with Enter (Shift+Enter keeps a line break) and the simulated phone receives it', async () => {
    const composer = await openConversation(displayId);
    const send = composer.getByRole('button', { name: 'Enviar', exact: true });
    expect(await send.isDisabled()).toBe(true);
    await textbox(composer).fill('Bom dia!');
    await textbox(composer).press('Shift+Enter');
    await textbox(composer).pressSequentially('Fazemos sim.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'composer.png') });
    await textbox(composer).press('Enter');
    await phoneReceives(waId, 'the reply', (payload) => payload.text?.body === 'Bom dia!\nFazemos sim.');
    expect(await textbox(composer).inputValue()).toBe('');
  });

  it('keeps a draft per conversation across a reload, and forgets it once sent', async () => {
    let composer = await openConversation(displayId);
    await textbox(composer).fill('Rascunho: orçamento para 80 pessoas');
    await page.reload();
    composer = page.getByRole('region', { name: 'Responder à conversa' });
    await composer.waitFor();
    expect(await textbox(composer).inputValue()).toBe('Rascunho: orçamento para 80 pessoas');
    await textbox(composer).press('Enter');
    await phoneReceives(waId, 'the draft', (payload) => payload.text?.body === 'Rascunho: orçamento para 80 pessoas');
    await page.reload();
    expect(await textbox(page.getByRole('region', { name: 'Responder à conversa' })).inputValue()).toBe('');
  });

  it('"/" suggests canned responses and inserts the chosen one; the server fills its variables on send', async () => {
    await api('POST', '/canned_responses', {
      short_code: 'horario',
      content: 'Atendemos de segunda a sexta, das 9h às 18h, {{contact.name}}.',
    });
    const composer = await openConversation(displayId);
    await textbox(composer).fill('Oi! /hor');
    const option = composer.getByRole('option', { name: /horario/ });
    await option.waitFor();
    expect(await option.getAttribute('aria-selected')).toBe('true');
    await textbox(composer).press('Enter');
    expect(await textbox(composer).inputValue()).toBe(
      'Oi! Atendemos de segunda a sexta, das 9h às 18h, {{contact.name}}.',
    );
    await textbox(composer).press('Enter');
    await phoneReceives(
      waId,
      'the canned response',
      (payload) => payload.text?.body === 'Oi! Atendemos de segunda a sexta, das 9h às 18h, Maria Composer.',
    );
  });

  it('uploads a PNG with progress up to 100% and the image arrives at the phone', async () => {
    const composer = await openConversation(displayId);
    const chooser = page.waitForEvent('filechooser');
    await composer.getByRole('button', { name: 'Anexar arquivo' }).click();
    await (await chooser).setFiles([{ name: 'cardapio.png', mimeType: 'image/png', buffer: PNG }]);
    await composer.getByRole('button', { name: 'Remover cardapio.png' }).waitFor();
    // The bar lives only while the upload runs: record every value it shows.
    // (Browser code as a string: the test project compiles without the DOM library.)
    await page.evaluate(`(() => {
      const seen = (window.progressSeen = []);
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[role="progressbar"]')) seen.push(Number(bar.getAttribute('aria-valuenow')));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await textbox(composer).fill('Segue o cardápio');
    await composer.getByRole('button', { name: 'Enviar', exact: true }).click();
    const image = await phoneReceives(waId, 'the image', (payload) => payload.type === 'image');
    expect(image.image).toMatchObject({ caption: 'Segue o cardápio', mime_type: 'image/png' });
    const seen = (await page.evaluate('window.progressSeen')) as number[];
    expect(Math.max(...seen)).toBe(100);
    expect(await composer.getByRole('button', { name: 'Remover cardapio.png' }).count()).toBe(0);
  });

  it('takes files dropped onto it as chips that can be removed', async () => {
    const composer = await openConversation(displayId);
    const transfer = await page.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['%PDF-1.4'], 'contrato.pdf', { type: 'application/pdf' }));
      return data;
    })()`);
    await composer.dispatchEvent('dragenter', { dataTransfer: transfer });
    await composer.getByText('Solte os arquivos para anexar').waitFor();
    await composer.dispatchEvent('drop', { dataTransfer: transfer });
    const remove = composer.getByRole('button', { name: 'Remover contrato.pdf' });
    await remove.waitFor();
    expect(await composer.getByRole('list', { name: 'Arquivos para enviar' }).textContent()).toContain('8 B');
    await remove.click();
    expect(await remove.count()).toBe(0);
  });
});

describe('the composer when the 24-hour window is closed', () => {
  const waId = '5511987650302';
  let displayId: number;

  beforeAll(async () => {
    // A contact who never wrote: the conversation starts with a template and free text is not allowed.
    const { payload } = await api<{ payload: { contact: { id: number } } }>('POST', '/contacts', {
      name: 'Joana Modelo',
      phone_number: `+${waId}`,
      inbox_id: 1,
    });
    const conversation = await api<{ id: number; can_reply: boolean }>('POST', '/conversations', {
      inbox_id: 1,
      contact_id: payload.contact.id,
      message: {
        content: 'Olá Joana! Obrigado por falar com a gente. Como podemos ajudar?',
        template_params: {
          name: 'boas_vindas',
          category: 'UTILITY',
          language: 'pt_BR',
          processed_params: { body: { '1': 'Joana' } },
        },
      },
    });
    expect(conversation.can_reply).toBe(false);
    displayId = conversation.id;
  });

  it('offers approved templates with parameters and a live preview, and the phone receives the template', async () => {
    const composer = await openConversation(displayId);
    await composer.getByText('A janela de 24 horas está fechada: envie um modelo aprovado').waitFor();
    expect(await textbox(composer).count()).toBe(0);
    await composer.getByRole('button', { name: /lembrete_evento/ }).click();
    await composer.getByLabel('Corpo: {{1}}').fill('Joana');
    await composer.getByLabel('Corpo: {{2}}').fill('Casamento da Ana');
    const preview = composer.getByTestId('template-preview');
    expect(await preview.textContent()).toContain('Olá Joana, lembrete: o evento Casamento da Ana é em {{3}}.');
    await composer.getByRole('button', { name: 'Enviar modelo' }).click();
    await composer.getByText('Preencha todos os parâmetros para enviar.').waitFor();
    await composer.getByLabel('Corpo: {{3}}').fill('12/12 às 19h');
    expect(await preview.textContent()).toContain('Olá Joana, lembrete: o evento Casamento da Ana é em 12/12 às 19h.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'composer-template-picker.png') });
    await composer.getByRole('button', { name: 'Enviar modelo' }).click();
    const template = await phoneReceives(
      waId,
      'the template',
      (payload) => payload.template?.name === 'lembrete_evento',
    );
    const body = template.template?.components?.find((component) => component.type === 'body');
    expect(body?.parameters?.map((parameter) => parameter.text)).toEqual(['Joana', 'Casamento da Ana', '12/12 às 19h']);
  });

  it('still takes private notes, in a yellow composer', async () => {
    const composer = await openConversation(displayId);
    await composer.getByRole('button', { name: 'Nota privada' }).click();
    expect(await composer.getAttribute('class')).toContain('composer-note');
    await textbox(composer).fill('Cliente pediu retorno amanhã');
    await textbox(composer).press('Enter');
    await waitFor('the private note', async () => {
      const { payload } = await api<{ payload: Array<{ content: string; private: boolean }> }>(
        'GET',
        `/conversations/${displayId}/messages`,
      );
      return payload.find((message) => message.private && message.content === 'Cliente pediu retorno amanhã');
    });
  });
});
