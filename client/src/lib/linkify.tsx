// Chat text with its web addresses clickable, in the console and in the portal (an engineer's "send as link").
import type { JSX } from 'solid-js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** Text with its http(s) addresses as links that open in a new tab; nothing else becomes markup. */
export function linkify(text: string): JSX.Element[] {
  const parts: JSX.Element[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(
      <a href={match[0]} target="_blank" rel="noopener noreferrer">
        {match[0]}
      </a>,
    );
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
