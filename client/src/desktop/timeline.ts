// The recording player's timeline arithmetic: positions from the pointer, keyboard steps, time labels, speeds.

export const SPEEDS = [1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];

/** Arrow keys move this far; with Shift (or Page Up/Down) the long step. */
export const SHORT_STEP_MS = 5_000;
export const LONG_STEP_MS = 60_000;

/** "0:07", "12:34", "1:02:03" for a position in ms (rounded down to the second). */
export function formatTime(ms: number): string {
  const total = Math.max(0, Math.floor((Number.isFinite(ms) ? ms : 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function clampPosition(ms: number, durationMs: number): number {
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.min(ms, Math.max(0, durationMs));
}

/** The position under a pointer at clientX over a timeline box. */
export function positionAt(clientX: number, box: { left: number; width: number }, durationMs: number): number {
  if (box.width <= 0) return 0;
  const fraction = (clientX - box.left) / box.width;
  return clampPosition(Math.round(fraction * durationMs), durationMs);
}

/** 0..1 along the timeline for a position. */
export function fractionOf(ms: number, durationMs: number): number {
  return durationMs > 0 ? clampPosition(ms, durationMs) / durationMs : 0;
}

/** Where a key press on the timeline moves to, or null when the key is not the timeline's. */
export function keyTarget(key: string, shift: boolean, positionMs: number, durationMs: number): number | null {
  const step = shift ? LONG_STEP_MS : SHORT_STEP_MS;
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clampPosition(positionMs - step, durationMs);
    case 'ArrowRight':
    case 'ArrowUp':
      return clampPosition(positionMs + step, durationMs);
    case 'PageDown':
      return clampPosition(positionMs - LONG_STEP_MS, durationMs);
    case 'PageUp':
      return clampPosition(positionMs + LONG_STEP_MS, durationMs);
    case 'Home':
      return 0;
    case 'End':
      return clampPosition(durationMs, durationMs);
    default:
      return null;
  }
}

/** The playback position at wall time `now`, playing from `anchorMs` since `anchorWall` at `speed`. */
export function positionNow(anchorMs: number, anchorWall: number, now: number, speed: number, durationMs: number): number {
  return clampPosition(anchorMs + Math.max(0, now - anchorWall) * speed, durationMs);
}

/** Wall-clock ms until a record at `targetMs` is due (0 when it already is). */
export function delayUntil(targetMs: number, anchorMs: number, anchorWall: number, now: number, speed: number): number {
  return Math.max(0, (targetMs - anchorMs) / speed - (now - anchorWall));
}
