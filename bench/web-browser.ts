/**
 * The inbox screens in Debian's chromium (playwright-core, never a downloaded browser): how long until the
 * list can be used and until the long conversation shows its newest message, with where the time went.
 */
import path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { fmtMs, median, print, ROOT, record } from './support.js';
import { LONG_CONTACT_NAME, LONG_MESSAGES, NEWEST_TEXT, type SeededInbox } from './web-seed.js';

const RUNS = 5;
const TARGET_MS = 1000;
const WAIT_MS = 15_000;
export const VIEWPORT = { width: 1366, height: 860 };

export const runsText = (values: number[]) => `[${values.map(fmtMs).join(', ')}]`;

// Browser-side code goes as expression strings: the project has no DOM types, and functions compiled by tsx
// carry helpers (__name) the page does not have. (waitForFunction's string form is refused by the app's CSP.)

/**
 * An expression that checks `condition` (a JS expression giving an element or null) at every frame and
 * resolves with the page's clock (ms since navigation start) once that element is on screen and a click
 * at its centre would land on it. Checked inside the page: Playwright's own retries back off up to 500 ms.
 */
const whenOnScreen = (condition: string, what: string) => `new Promise((resolve, reject) => {
  const deadline = performance.now() + ${WAIT_MS};
  const check = () => {
    const element = ${condition};
    if (element) {
      const box = element.getBoundingClientRect();
      const hit = box.height > 0 && document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (hit && element.contains(hit)) return resolve(performance.now());
    }
    if (performance.now() > deadline) return reject(new Error(${JSON.stringify(`${what}: not on screen in time`)}));
    requestAnimationFrame(check);
  };
  check();
})`;

const FIRST_ROW_CLICKABLE = whenOnScreen(
  `document.querySelector('ul[aria-label="Conversas"] a[href]')`,
  'the first conversation row',
);

const NEWEST_MESSAGE_ON_SCREEN = whenOnScreen(
  `[...document.querySelectorAll('ol[aria-label="Mensagens"] > li')].reverse()
     .find((item) => item.textContent.includes(${JSON.stringify(NEWEST_TEXT)}))`,
  'the newest message of the long conversation',
);

const PAGE_TIMINGS = `(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const profile = resources.find((entry) => entry.name.includes('/profile'));
  const list = resources.find((entry) => entry.name.includes('/conversations?'));
  return {
    domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : NaN,
    profileEnd: profile ? profile.responseEnd : NaN,
    listStart: list ? list.startTime : NaN,
    listEnd: list ? list.responseEnd : NaN,
  };
})()`;

type MainThread = Record<(typeof MAIN_THREAD_METRICS)[number], number>;
const MAIN_THREAD_METRICS = ['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'TaskDuration'] as const;

/** Seconds the page's main thread has spent so far on script, layout, style and all tasks (Chrome's counters). */
async function mainThread(cdp: CDPSession): Promise<MainThread> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? Number.NaN;
  return Object.fromEntries(MAIN_THREAD_METRICS.map((name) => [name, value(name)])) as MainThread;
}

const difference = (after: MainThread, before: MainThread) =>
  Object.fromEntries(MAIN_THREAD_METRICS.map((name) => [name, after[name] - before[name]])) as MainThread;

const mainThreadText = (samples: MainThread[]) => {
  const ms = (name: keyof MainThread) => fmtMs(median(samples.map((sample) => sample[name] * 1000)));
  return `script ${ms('ScriptDuration')}, layout ${ms('LayoutDuration')}, style ${ms('RecalcStyleDuration')}, all tasks ${ms('TaskDuration')}`;
};

interface PageTimings {
  /** The page's clock (ms since navigation start) when the first row was clickable. */
  readyAt: number;
  domContentLoaded: number;
  profileEnd: number;
  listStart: number;
  listEnd: number;
}

/** Where the time of a navigation went, from the page's own Navigation and Resource Timing entries. */
function pageTimings(page: Page): Promise<Omit<PageTimings, 'readyAt'>> {
  return page.evaluate(PAGE_TIMINGS);
}

/**
 * Signs in once, then RUNS times in that tab (cookie and cached assets kept): (a)
 * navigation to /conversas → first row clickable, (b) a click on the long conversation → its newest
 * message on screen, (c) a reload with it open. Records the medians; prints the runs and a breakdown.
 */
export async function measureInBrowser(options: {
  title: string;
  browser: Browser;
  url: string;
  seeded: SeededInbox;
  credentials: { email: string; password: string };
}): Promise<void> {
  const { title, browser, url, seeded, credentials } = options;
  // Signed in once; the runs then navigate that tab, as an attendant reloading it would (cookie and
  // cached assets kept). A new tab would add chromium's renderer start-up, which is not the app's.
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'pt-BR' });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByLabel('E-mail').fill(credentials.email);
  await page.getByLabel('Senha').fill(credentials.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('button', { name: 'Sair' }).waitFor({ timeout: WAIT_MS });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');

  const listMs: number[] = [];
  const openMs: number[] = [];
  const directMs: number[] = [];
  const newTabMs: number[] = [];
  const timings: PageTimings[] = [];
  const listThread: MainThread[] = [];
  const openThread: MainThread[] = [];
  for (let run = 0; run < RUNS; run++) {
    try {
      // (a) navigation → the first row on screen and the top element at its centre (a click would land).
      let startedAt = performance.now();
      await page.goto(`${url}/conversas`, { waitUntil: 'commit' });
      const readyAt = await page.evaluate<number>(FIRST_ROW_CLICKABLE);
      listMs.push(performance.now() - startedAt);
      timings.push({ ...(await pageTimings(page)), readyAt });
      const atReady = await mainThread(cdp);
      // Chrome starts these counters afresh with each document.
      listThread.push(atReady);
      // The same row through Playwright's roles and actionability checks (not timed): the selectors hold.
      await page.getByRole('list', { name: 'Conversas' }).getByRole('link').first().click({ trial: true });

      // (b) a click on the long conversation → its newest message on screen.
      // Found before the clock starts: a role query with a name is Playwright's work, not the app's.
      const longRow = await page.getByRole('link', { name: new RegExp(LONG_CONTACT_NAME) }).elementHandle();
      if (!longRow) throw new Error(`no row for ${LONG_CONTACT_NAME}`);
      startedAt = performance.now();
      await longRow.click({ timeout: WAIT_MS });
      await page.evaluate(NEWEST_MESSAGE_ON_SCREEN);
      openMs.push(performance.now() - startedAt);
      openThread.push(difference(await mainThread(cdp), atReady));

      // (c) for information: a reload of /conversas/<long one> (the app boots with the conversation open).
      startedAt = performance.now();
      await page.goto(`${url}/conversas/${seeded.longDisplayId}`, { waitUntil: 'commit' });
      await page.evaluate(NEWEST_MESSAGE_ON_SCREEN);
      directMs.push(performance.now() - startedAt);

      // (d) for information: /conversas in a new tab, which adds chromium's renderer start-up and a cold script cache.
      const tab = await context.newPage();
      try {
        startedAt = performance.now();
        await tab.goto(`${url}/conversas`, { waitUntil: 'commit' });
        await tab.evaluate(FIRST_ROW_CLICKABLE);
        newTabMs.push(performance.now() - startedAt);
      } finally {
        await tab.close();
      }
    } catch (error) {
      // What the page showed instead, so a failed run explains itself.
      const shot = path.join(ROOT, 'test-results', `bench-web-${title.toLowerCase()}.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      const text =
        (await page
          .locator('body')
          .textContent({ timeout: 2000 })
          .catch(() => '')) ?? '';
      throw new Error(
        `run ${run + 1}: ${error}\n    the page (${page.url()}; screenshot ${shot}):\n${text.slice(0, 600)}`,
      );
    }
  }
  await context.close();
  print(`    /conversas → first row clickable, runs: ${runsText(listMs)}`);
  print(`    click on the long conversation → newest message on screen, runs: ${runsText(openMs)}`);
  print(`    reload of /conversas/${seeded.longDisplayId} → newest message on screen, runs: ${runsText(directMs)}`);
  print(`    /conversas in a new tab → first row clickable, runs: ${runsText(newTabMs)}`);
  const at = (pick: (timing: PageTimings) => number) => fmtMs(median(timings.map(pick)));
  print(
    `    inside the page (medians, from navigation start): DOMContentLoaded ${at((t) => t.domContentLoaded)}, ` +
      `GET /profile answered ${at((t) => t.profileEnd)}, GET /conversations sent ${at((t) => t.listStart)} ` +
      `and answered ${at((t) => t.listEnd)} (${at((t) => t.listEnd - t.listStart)}), first row clickable ${at((t) => t.readyAt)}`,
  );
  print(`    main thread until the first row was clickable (medians): ${mainThreadText(listThread)}`);
  print(`    main thread while opening the long conversation (medians): ${mainThreadText(openThread)}`);
  const list = median(listMs);
  const open = median(openMs);
  record({
    figure: `${title}: /conversas → first row clickable (median of ${RUNS})`,
    value: fmtMs(list),
    target: '< 1 s',
    ok: list < TARGET_MS,
  });
  record({
    figure: `${title}: open the ${LONG_MESSAGES.toLocaleString('en-US')}-message conversation (median of ${RUNS})`,
    value: fmtMs(open),
    target: '< 1 s',
    ok: open < TARGET_MS,
  });
  record({
    figure: `${title}: reload with that conversation open (median)`,
    value: fmtMs(median(directMs)),
    target: '',
    ok: null,
  });
  record({
    figure: `${title}: /conversas in a new tab → first row clickable (median)`,
    value: fmtMs(median(newTabMs)),
    target: '',
    ok: null,
  });
}
