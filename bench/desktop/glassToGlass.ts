// Glass-to-glass latency on loopback: a key pressed in the console (real Chromium) travels to the server, the real
// agent types it into an xterm under Xvfb, the screen is captured, encoded, relayed, decoded in the console's worker
// and painted. Measured from just before the key press to the console's paint (its own performance.now() clock).
import { launchChromium } from '../../test/helpers/browser.ts';
import { CORPUS_DESKTOP, startDesktopRig } from '../../test/helpers/desktopHarness.ts';
import { percentile } from './processStats.ts';

export interface GlassResult {
  samples: number;
  p50Ms: number;
  p95Ms: number;
}

export async function glassToGlass(presses = 40, log: (l: string) => void = console.log): Promise<GlassResult> {
  const rig = await startDesktopRig({ width: 1920, height: 1080, wallpaper: CORPUS_DESKTOP });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ baseURL: rig.server.url, viewport: { width: 1600, height: 1000 } });
    const host = new URL(rig.server.url).hostname;
    await context.addCookies(
      rig.admin.cookieHeader.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: host, path: '/' };
      }),
    );
    const page = await context.newPage();
    await page.goto(`/sessions/${rig.sessionId}`);
    await page.locator('[data-testid=desktop-state][data-state=live]').waitFor({ timeout: 30_000 });
    const toggle = page.getByTestId('desktop-mode-toggle');
    for (let i = 0; i < 100 && !(await toggle.isEnabled()); i++) await Bun.sleep(100);
    await toggle.click();
    const box = (await page.getByTestId('desktop-canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.1, box.y + box.height * 0.1);
    await Bun.sleep(2000); // the full picture has arrived and the screen is idle
    const stats = () => page.evaluate(() => window.__tesseraDesktop!.stats());
    const latencies: number[] = [];
    for (let i = 0; i < presses; i++) {
      const before = await stats();
      const t0 = await page.evaluate(() => performance.now());
      await page.keyboard.press(i % 2 ? 'Backspace' : 'x');
      const deadline = Date.now() + 3000;
      let s = await stats();
      while (s.paints === before.paints && Date.now() < deadline) {
        await Bun.sleep(2);
        s = await stats();
      }
      if (s.paints > before.paints && s.lastPaintAt !== null) latencies.push(s.lastPaintAt - t0);
      await Bun.sleep(150);
    }
    const result = { samples: latencies.length, p50Ms: round1(percentile(latencies, 50)), p95Ms: round1(percentile(latencies, 95)) };
    log(`glass-to-glass (1080p, loopback, ${result.samples}/${presses} key presses painted): p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms (goal: p95 < 50 ms)`);
    return result;
  } finally {
    await browser.close();
    await rig.stop();
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
