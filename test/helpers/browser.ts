// Real Chromium for end-to-end tests: the launch flags that work on these machines, and a tracker of the pages
// a test opens, which collects page errors and, when the test fails, adds what each page shows and the server's
// last output to the error.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { SpawnedServer } from './server.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export class PageTracker {
  /** Uncaught errors of every watched page, prefixed with its address. */
  readonly pageErrors: string[] = [];
  private readonly pages: Page[] = [];

  constructor(
    private readonly browser: () => Browser,
    private readonly server: () => SpawnedServer,
  ) {}

  /** A fresh context (its own cookies and storage) on the server, with one watched page. */
  async newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser().newContext({ baseURL: this.server().url, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    this.watch(page);
    return { context, page };
  }

  watch(page: Page): void {
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`));
    this.pages.push(page);
  }

  /** Runs a test body; on failure the error also carries each open page's text and the server's output. */
  async withDiagnostics(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const pages = await Promise.all(
        this.pages
          .filter((p) => !p.isClosed())
          .map(async (p) => `--- ${p.url()} ---\n${await p.locator('body').innerText({ timeout: 2_000 }).catch(() => '(unreadable)')}`),
      );
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${message}\n${pages.join('\n')}\n--- page errors ---\n${this.pageErrors.join('\n')}\n--- server output ---\n${this.server().output().slice(-3_000)}`,
      );
    }
  }
}
