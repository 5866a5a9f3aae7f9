/**
 * A file name safe to show and to offer for download: no path, no control characters, no invisible format
 * characters, bounded length. Format characters (Unicode Cf) include the bidi controls, so `invoice<RLO>fdp.exe`
 * would show as "invoiceexe.pdf"; line and paragraph separators would break the name over lines. Every route that
 * accepts a file name passes it through here.
 */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"]/gu, '')
    // lone surrogates can't be encoded as UTF-8 (the download header) and show as boxes
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .trim();
  const bounded = Array.from(cleaned).slice(0, 200).join('').trim();
  return bounded && bounded !== '.' && bounded !== '..' ? bounded : 'file';
}
