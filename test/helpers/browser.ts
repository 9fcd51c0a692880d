/**
 * Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for tests that open a report
 * as a person would. Collects console errors, page errors and every network request other than the
 * report file itself, and reads the drawn uPlot instances (`window.hpcbenchPlots`).
 * Under CI=true a missing chromium fails the test; elsewhere the test is skipped with a message.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = process.env.HPCBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here (undefined when they can). Under CI=true this is an error. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`;
  if (process.env.CI === 'true') throw new Error(`CI=true and ${why}`);
  return why;
}

export interface DrawnPlot {
  id: string;
  title: string;
  /** Series labels, without the x series. */
  series: string[];
  /** Number of x values. */
  points: number;
  /** Per series the number of non-null values. */
  values: number[];
  /** The data as drawn (data[0] = x). */
  data: (number | null)[][];
  width: number;
  height: number;
}

export interface PageReport {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  plots: DrawnPlot[];
  text: string;
  /** Per selector given to `open`, every matching element's text and attributes, in document order. */
  elements: Record<string, PageElement[]>;
}

export interface PageElement {
  text: string;
  attrs: Record<string, string>;
}

export class ReportBrowser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<ReportBrowser> {
    const profile = await mkdtemp(join(tmpdir(), 'hpcbench-chromium-'));
    // A fresh profile (the --user-data-dir) per launch; playwright passes it as that flag.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    return new ReportBrowser(context, profile);
  }

  /**
   * Opens the file, waits for the plots, reads the elements matching each of `select` and saves a
   * full-page screenshot to `screenshot` when given.
   */
  async open(file: string, screenshot?: string, select: string[] = []): Promise<PageReport> {
    const page = await this.context.newPage();
    const url = pathToFileURL(file).href;
    const out: PageReport = {
      consoleErrors: [],
      pageErrors: [],
      requests: [],
      plots: [],
      text: '',
      elements: {},
    };
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') out.consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => out.pageErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url() !== url) out.requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-plots-drawn]', { timeout: 20_000 });
    out.plots = await page.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: a uPlot instance inside the page
      const list = (globalThis as unknown as { hpcbenchPlots: { id: string; plot: any }[] }).hpcbenchPlots;
      return list.map(({ id, plot }) => ({
        id,
        title: plot.root.querySelector('.u-title')?.textContent ?? '',
        series: plot.series.slice(1).map((s: { label: string }) => s.label),
        points: plot.data[0].length,
        values: plot.data
          .slice(1)
          .map((d: (number | null)[]) => d.filter((v) => v !== null && v !== undefined).length),
        data: plot.data.map((d: ArrayLike<number | null>) => Array.from(d)),
        width: plot.width,
        height: plot.height,
      }));
    });
    out.text = (await page.textContent('body')) ?? '';
    for (const sel of select)
      out.elements[sel] = await page.$$eval(sel, (els) =>
        els.map((e) => ({
          text: (e.textContent ?? '').trim(),
          attrs: Object.fromEntries(
            Array.from(e.attributes as ArrayLike<{ name: string; value: string }>, (a) => [a.name, a.value]),
          ),
        })),
      );
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
    return out;
  }

  async close(): Promise<void> {
    await this.context.close();
    await rm(this.profile, { recursive: true, force: true });
  }
}
