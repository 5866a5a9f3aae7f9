// The bar between the remote screen and the chat: drag it, or focus it and use the arrow keys (WAI-ARIA window
// splitter). The width is the chat's, on the right, so dragging left makes the chat wider.
import type { Accessor } from 'solid-js';

export const KEY_STEP = 24;

export function SplitHandle(props: {
  label: string;
  /** The id of the panel whose size the handle sets (aria-controls). */
  controls: string;
  width: Accessor<number>;
  setWidth: (px: number) => void;
  min: number;
  max: number;
}) {
  let dragging: { startX: number; startWidth: number } | null = null;
  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    dragging = { startX: e.clientX, startWidth: props.width() };
  };
  const onPointerMove = (e: PointerEvent) => {
    if (dragging) props.setWidth(dragging.startWidth + (dragging.startX - e.clientX));
  };
  const onPointerUp = () => {
    dragging = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const next: Record<string, number> = {
      ArrowLeft: props.width() + KEY_STEP,
      ArrowRight: props.width() - KEY_STEP,
      Home: props.max,
      End: props.min,
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    props.setWidth(next[e.key]!);
  };
  return (
    <div
      class="split-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label={props.label}
      aria-controls={props.controls}
      aria-valuenow={props.width()}
      aria-valuemin={props.min}
      aria-valuemax={props.max}
      tabindex="0"
      title="Drag, or use the arrow keys, to resize the chat"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
