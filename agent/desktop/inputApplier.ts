// Applies a viewer's input events (server/protocol/desktop.ts) to this machine. Coordinates are relative to the
// streamed region (one monitor or the whole desktop) and are clamped to it. Consent is checked by the caller
// before anything reaches here; a viewer losing focus or control sends (or causes) 'release-all'.
import type { InputInjector, Rect } from '../../native/capture.ts';
import type { InputEvent } from '../../server/protocol/desktop.ts';

export function applyInput(input: InputInjector, events: readonly InputEvent[], region: Rect): void {
  const at = (x: number, y: number) => {
    const cx = Math.min(Math.max(Math.trunc(x), 0), region.width - 1);
    const cy = Math.min(Math.max(Math.trunc(y), 0), region.height - 1);
    input.move(region.x + cx, region.y + cy);
  };
  for (const event of events) {
    switch (event.type) {
      case 'pointer':
        at(event.x, event.y);
        break;
      case 'button':
        at(event.x, event.y);
        input.button(event.button, event.down);
        break;
      case 'wheel':
        at(event.x, event.y);
        input.wheel(event.dx, event.dy);
        break;
      case 'key':
        input.key(event.keysym, event.down);
        break;
      case 'text':
        input.type(event.text);
        break;
      case 'combo':
        input.combo(event.combo);
        break;
      case 'release-all':
        input.releaseAll();
        break;
    }
  }
}
