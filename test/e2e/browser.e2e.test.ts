import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../helpers/browser.js';
import { ADMIN, ADMIN_ENV, createProcessTracker } from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();
let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([processes.start({ env: ADMIN_ENV }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await processes.killAll();
});

// A fresh context per test: no cookie carries over from one test to the next.
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'pt-BR' });
  page = await context.newPage();
  await page.goto(server.url);
});
afterEach(() => context?.close());

const signInForm = () => ({
  email: page.getByLabel('E-mail'),
  password: page.getByLabel('Senha'),
  submit: page.getByRole('button', { name: 'Entrar' }),
});

async function signInAs(email: string, password: string) {
  const form = signInForm();
  await form.email.fill(email);
  await form.password.fill(password);
  await form.submit.click();
}

const signOutButton = () => page.getByRole('button', { name: 'Sair' });

describe('the web app', () => {
  it('opens on the sign-in page with the E-mail and Senha fields and the Entrar button', async () => {
    const form = signInForm();
    await form.submit.waitFor();
    expect(await form.email.getAttribute('type')).toBe('email');
    expect(await form.password.getAttribute('type')).toBe('password');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sign-in.png'), fullPage: true });
  });

  it('says "E-mail ou senha incorretos." after a wrong password', async () => {
    await signInAs(ADMIN.email, 'senha-errada-123');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('E-mail ou senha incorretos.');
  });

  it("shows the app frame with the user's name and a Sair button after the right password", async () => {
    await signInAs(ADMIN.email, ADMIN.password);
    await signOutButton().waitFor();
    expect(await page.getByTestId('current-user').textContent()).toBe('Administrador');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'app-frame.png'), fullPage: true });
  });

  it('keeps the user signed in across a reload', async () => {
    await signInAs(ADMIN.email, ADMIN.password);
    await signOutButton().waitFor();
    await page.reload();
    await signOutButton().waitFor();
    expect(await signInForm().submit.count()).toBe(0);
  });

  it('returns to the sign-in page after Sair', async () => {
    await signInAs(ADMIN.email, ADMIN.password);
    await signOutButton().click();
    await signInForm().submit.waitFor();
    expect(await signOutButton().count()).toBe(0);
  });

  it('ends the session on Sair, so a reload still shows the sign-in page', async () => {
    await signInAs(ADMIN.email, ADMIN.password);
    await signOutButton().click();
    await signInForm().submit.waitFor();
    await page.reload();
    await signInForm().submit.waitFor();
    expect(await signOutButton().count()).toBe(0);
  });
});
