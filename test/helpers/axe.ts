// axe-core in real Chromium pages: injected through the DevTools protocol (page.evaluate), which the pages'
// Content-Security-Policy (script-src 'self') does not stop, unlike a <script> tag would.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  /** CSS selectors of the offending nodes, with axe's summary of what is wrong with the first. */
  nodes: string[];
  detail: string;
}

/** Impacts that fail a check: WCAG 2.2 AA is not met with them, and they block or badly hinder someone. */
export const BLOCKING = ['serious', 'critical'];
/** Every impact, moderate and minor too (mostly best practices: landmarks, one <h1>). */
export const ALL_IMPACTS = ['critical', 'serious', 'moderate', 'minor'];

/**
 * Runs axe over the whole page (WCAG 2.x A and AA plus best practices) and returns the findings of the given
 * impacts. label-content-name-mismatch (WCAG 2.5.3, level A) is "experimental" in axe and off by default: on here.
 */
export async function axeFindings(page: Page, impacts: readonly string[] = BLOCKING): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      rules: { 'label-content-name-mismatch': { enabled: true } },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      nodes: v.nodes.map((n) => n.target.map(String).join(' > ')),
      detail: v.nodes[0]?.failureSummary ?? '',
    }));
  });
  return violations.filter((v) => impacts.includes(v.impact));
}

/** One line per finding, for a failure message that says where to look. */
export function describeFindings(where: string, findings: readonly AxeFinding[]): string[] {
  return findings.map((f) => `${where}: [${f.impact}] ${f.rule}: ${f.help} at ${f.nodes.slice(0, 4).join(', ')}${f.nodes.length > 4 ? ` (+${f.nodes.length - 4})` : ''}\n    ${f.detail.replace(/\n/g, '\n    ')}`);
}
