// Driving the console's live desktop in Chromium: sign a browser context in with a client's cookie, read the
// viewer's exact picture through its test hook, and wait until it equals the X screen.
import { createHash } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestClient } from '../../server/testing/startTestServer.ts';
import type { DesktopRig } from './desktopHarness.ts';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Copies the client's session cookie into the browser context. */
export async function signIn(context: BrowserContext, client: TestClient, baseUrl: string): Promise<void> {
  const host = new URL(baseUrl).hostname;
  await context.addCookies(
    client.cookieHeader.split('; ').map((pair) => {
      const at = pair.indexOf('=');
      return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: host, path: '/' };
    }),
  );
}

/** SHA-256 of the viewer's exact decoded picture (from its worker), computed in the page. */
export function canvasHash(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const p = await window.__tesseraDesktop!.picture();
    const digest = await crypto.subtle.digest('SHA-256', new Uint8Array(p.rgba));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
}

/** Waits until the console shows exactly what the X server shows (and the screen has settled). */
export async function untilExact(page: Page, rig: DesktopRig, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    const screen = sha256(rig.screen());
    const shown = await canvasHash(page);
    if (shown === screen && screen === last) return;
    last = screen;
    if (Date.now() > deadline) throw new Error(`the console's picture did not become exact: ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Page coordinates of a remote screen pixel (the canvas is scaled to fit). */
export async function at(page: Page, rig: DesktopRig, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('desktop-canvas').boundingBox())!;
  return { x: box.x + ((x + 0.5) * box.width) / rig.x.width, y: box.y + ((y + 0.5) * box.height) / rig.x.height };
}
