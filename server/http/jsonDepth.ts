/** The deepest nesting any request body may have; real bodies stay under 5. */
export const MAX_JSON_DEPTH = 32;

/**
 * True when JSON text nests arrays and objects deeper than `max`. One pass over the characters, brackets inside
 * strings skipped, run before JSON.parse: the parser and every walker after it (validation, error messages)
 * recurse, so a 100 KB body of "[[[[..." must be refused before anything looks at it as a value.
 */
export function jsonDeeperThan(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
