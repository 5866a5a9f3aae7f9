// The help button that any web site can paste: its options, their checks, and the HTML snippet an admin copies.
// Pure functions (no database): the route looks the desk up, these do the rest.

export const EMBED_STYLES = ['classic', 'pill', 'floating', 'minimal'] as const;
export type EmbedStyle = (typeof EMBED_STYLES)[number];

export const DEFAULT_LABEL = 'Get help';
export const MAX_LABEL_CHARS = 40;
export const MAX_IMAGE_URL_CHARS = 500;

export interface EmbedOptions {
  /** Where this server is reached from the customer's browser, e.g. https://help.example.com */
  base: string;
  deskId: number;
  style: EmbedStyle;
  label: string;
  /** The site's own button image (http or https), or '' for the built-in look. */
  image: string;
}

export interface EmbedInput {
  base: string;
  desk: string | number | undefined;
  style?: string;
  label?: string;
  image?: string;
}

/** Checks what an admin asked for. Returns the clean options, or the problems in readable words. */
export function checkEmbedOptions(input: EmbedInput): { options: EmbedOptions } | { problems: string[] } {
  const problems: string[] = [];
  const base = httpOrigin(input.base);
  if (!base) problems.push('server address must be an http:// or https:// address');

  const deskText = String(input.desk ?? '').trim();
  const deskId = /^\d{1,9}$/.test(deskText) ? Number(deskText) : 0;
  if (!deskId) problems.push('desk must be a desk number');

  const style = (input.style ?? 'classic').trim() || 'classic';
  if (!(EMBED_STYLES as readonly string[]).includes(style)) problems.push(`style must be one of ${EMBED_STYLES.join(', ')}`);

  const label = (input.label ?? '').trim() || DEFAULT_LABEL;
  if (label.length > MAX_LABEL_CHARS) problems.push(`label must be at most ${MAX_LABEL_CHARS} characters`);
  if (/[\u0000-\u001f\u007f]/.test(label)) problems.push('label must not contain control characters');

  let image = (input.image ?? '').trim();
  if (image) {
    if (image.length > MAX_IMAGE_URL_CHARS) problems.push(`image address must be at most ${MAX_IMAGE_URL_CHARS} characters`);
    else {
      const parsed = parseUrl(image);
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname)
        problems.push('image must be an http:// or https:// address');
      else image = parsed.href;
    }
  }

  if (problems.length) return { problems };
  return { options: { base: base!, deskId, style: style as EmbedStyle, label, image } };
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** The origin of an http(s) address ("https://help.example.com"), or null. */
export function httpOrigin(value: string): string | null {
  const parsed = parseUrl(value.trim());
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) return null;
  return parsed.origin;
}

/** Escapes text for an HTML attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function scriptUrl(o: EmbedOptions): string {
  const url = new URL('/embed/help-button.js', o.base);
  url.searchParams.set('desk', String(o.deskId));
  url.searchParams.set('style', o.style);
  if (o.label !== DEFAULT_LABEL) url.searchParams.set('label', o.label);
  if (o.image) url.searchParams.set('image', o.image);
  return url.href;
}

export function portalUrl(o: Pick<EmbedOptions, 'base' | 'deskId'>): string {
  const url = new URL('/portal', o.base);
  url.searchParams.set('desk', String(o.deskId));
  return url.href;
}

/**
 * The HTML to paste: the script (which draws the button where it stands and keeps its online state fresh) and,
 * for visitors without JavaScript, a plain link to the portal. Every value is URL-encoded inside the address
 * and the whole address HTML-escaped, so no label or image address can break out of the attribute.
 */
export function embedSnippet(o: EmbedOptions): string {
  return [
    '<!-- Tessera help button -->',
    `<script src="${escapeHtml(scriptUrl(o))}" async></script>`,
    `<noscript><a href="${escapeHtml(portalUrl(o))}" target="_blank" rel="noopener">${escapeHtml(o.label)}</a></noscript>`,
  ].join('\n');
}
