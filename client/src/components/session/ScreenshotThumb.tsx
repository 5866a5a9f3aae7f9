// A screenshot pasted into the chat: a thumbnail linking to the session file (PNG, lossless). Where the file cannot
// be fetched (an outside expert has no access to the engineers' file routes) only the name and size are shown.
import { createSignal, Show } from 'solid-js';
import type { ScreenshotRef } from '../../../../server/protocol/support.ts';
import { fileContentUrl } from '../../api/support.ts';
import { formatBytes } from './FilesPanel.tsx';

export function ScreenshotThumb(props: { shot: ScreenshotRef }) {
  const [broken, setBroken] = createSignal(false);
  const url = () => fileContentUrl(props.shot.sessionId, props.shot.fileId);
  const caption = () => `${props.shot.width}×${props.shot.height}, ${formatBytes(props.shot.size)}`;
  return (
    <figure class="chat-screenshot" data-testid="chat-screenshot">
      <Show when={!broken()} fallback={<span class="muted small">{props.shot.name} ({caption()})</span>}>
        <a href={url()} download={props.shot.name} title={`${props.shot.name} · SHA-256 ${props.shot.sha256}`}>
          <img
            src={url()}
            alt={`Screenshot of the customer’s screen, ${props.shot.width}×${props.shot.height}`}
            loading="lazy"
            width={props.shot.width}
            height={props.shot.height}
            style={{ 'max-width': '240px', 'max-height': '160px', width: 'auto', height: 'auto', 'object-fit': 'contain', border: '1px solid var(--border, #ccc)' }}
            onError={() => setBroken(true)}
          />
        </a>
        <figcaption class="muted small">{caption()}</figcaption>
      </Show>
    </figure>
  );
}
