// The remote-desktop channel, shared by agent, server and console. No runtime dependencies.
//
// Binary frames: [u8 kind][payload]. The agent sends them on /ws/agent; the server relays them unchanged to every
// viewer of the session on /ws/desktop/:sessionId (and to the recorder), adding only Keyframe frames of its own when
// a viewer must be resynchronised. Text frames carry JSON control messages: ViewerMessage from a viewer (input,
// clipboard, monitor choice, ping), DesktopServerMessage to it.
import type { Capability, MonitorInfo } from './agent.ts';

export enum DesktopFrame {
  /** One codec update message (native/codec/FORMAT.md). */
  Update = 1,
  /**
   * A codec key message (new epoch: the agent's first picture, a size change, or a reset), or a server-made full
   * picture that resynchronises one viewer (then followed, for that viewer, by the agent's next Refresh).
   */
  Keyframe = 2,
  /** Cursor image: u16 width, u16 height, u16 hotX, u16 hotY, u32 serial, then width*height RGBA bytes. */
  CursorShape = 3,
  /** Cursor position: i32 x, i32 y, u8 visible, u32 serial of the shape in use. */
  CursorPosition = 4,
  /**
   * A codec refresh message (FORMAT.md, flags bit 1): the agent reset its encoder's context (entropy and tile
   * cache; the picture stays) on the server's request, and the decoder resets its own the same way when it reads
   * the flag, so a viewer that got a server Keyframe just before is in sync from here on. Sent even when nothing
   * changed on screen.
   */
  Refresh = 5,
}

export const MAX_CURSOR_SIDE = 256;
export const MAX_TEXT_INPUT = 4096;
export const MAX_CLIPBOARD_BYTES = 1024 * 1024;

export const SPECIAL_COMBOS = ['ctrl-alt-del', 'alt-tab', 'alt-f4', 'super', 'ctrl-esc', 'print-screen', 'ctrl-shift-esc'] as const;
export type SpecialCombo = (typeof SPECIAL_COMBOS)[number];

/** Input a viewer sends; coordinates are in remote screen pixels and are clamped by the agent. */
export type InputEvent =
  | { type: 'pointer'; x: number; y: number }
  | { type: 'button'; button: 1 | 2 | 3 | 8 | 9; down: boolean; x: number; y: number }
  | { type: 'wheel'; dx: number; dy: number; x: number; y: number }
  | { type: 'key'; keysym: number; down: boolean }
  | { type: 'text'; text: string }
  | { type: 'combo'; combo: SpecialCombo }
  | { type: 'release-all' };

/** Text messages the server sends a viewer on /ws/desktop/:sessionId. */
export type DesktopServerMessage =
  /** First message: what this viewer may do, and the session's desktop state. */
  | { type: 'hello'; mode: 'control' | 'view'; agent: boolean; consent: Capability[]; monitors: MonitorInfo[]; monitor: number | 'all' }
  /** The session's agent connected or went away (the picture stays, frozen, until it is back). */
  | { type: 'agent'; online: boolean }
  | { type: 'consent'; granted: Capability[] }
  | { type: 'monitors'; monitors: MonitorInfo[]; monitor: number | 'all' }
  /** This viewer's mode changed (e.g. it became the owner, or control was taken away). */
  | { type: 'mode'; mode: 'control' | 'view' }
  | { type: 'clipboard'; text: string }
  | { type: 'pong'; t: number }
  /** The agent refused something this viewer asked for (e.g. input without the control consent). */
  | { type: 'refused'; what: string; reason: string }
  | { type: 'error'; error: string };

export type ViewerMessage =
  | { type: 'input'; events: InputEvent[] }
  | { type: 'clipboard'; text: string }
  | { type: 'clipboard-request' }
  | { type: 'monitor'; index: number | 'all' }
  | { type: 'ping'; t: number };

const MAX_EVENTS = 256;
const COORD = 1 << 16;

function int(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function parseEvent(e: unknown): InputEvent | string {
  if (typeof e !== 'object' || e === null) return 'input event must be an object';
  const m = e as Record<string, unknown>;
  switch (m.type) {
    case 'pointer':
      return int(m.x, -COORD, COORD) && int(m.y, -COORD, COORD) ? { type: 'pointer', x: m.x, y: m.y } : 'pointer needs integer x and y';
    case 'button':
      if (!(m.button === 1 || m.button === 2 || m.button === 3 || m.button === 8 || m.button === 9)) return 'button must be 1, 2, 3, 8 or 9';
      if (typeof m.down !== 'boolean' || !int(m.x, -COORD, COORD) || !int(m.y, -COORD, COORD)) return 'button needs down, x and y';
      return { type: 'button', button: m.button, down: m.down, x: m.x, y: m.y };
    case 'wheel':
      if (!int(m.dx, -100, 100) || !int(m.dy, -100, 100) || !int(m.x, -COORD, COORD) || !int(m.y, -COORD, COORD))
        return 'wheel needs dx and dy (-100..100), x and y';
      return { type: 'wheel', dx: m.dx, dy: m.dy, x: m.x, y: m.y };
    case 'key':
      return int(m.keysym, 1, 0x1ffffff) && typeof m.down === 'boolean' ? { type: 'key', keysym: m.keysym, down: m.down } : 'key needs a keysym and down';
    case 'text':
      return typeof m.text === 'string' && m.text.length > 0 && m.text.length <= MAX_TEXT_INPUT
        ? { type: 'text', text: m.text }
        : `text must be 1..${MAX_TEXT_INPUT} characters`;
    case 'combo':
      return (SPECIAL_COMBOS as readonly unknown[]).includes(m.combo) ? { type: 'combo', combo: m.combo as SpecialCombo } : 'unknown key combination';
    case 'release-all':
      return { type: 'release-all' };
    default:
      return 'unknown input event';
  }
}

/** Parses a list of input events (from a viewer, or forwarded by the server to the agent). */
export function parseInputEvents(value: unknown): InputEvent[] | string {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_EVENTS) return `input needs 1..${MAX_EVENTS} events`;
  const events: InputEvent[] = [];
  for (const raw of value) {
    const e = parseEvent(raw);
    if (typeof e === 'string') return e;
    events.push(e);
  }
  return events;
}

/** Parses a viewer's control message; a string is the reason it was refused (the connection is then closed). */
export function parseViewerMessage(value: unknown): ViewerMessage | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'message must be an object';
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'input': {
      const events = parseInputEvents(m.events);
      return typeof events === 'string' ? events : { type: 'input', events };
    }
    case 'clipboard':
      return typeof m.text === 'string' && m.text.length <= MAX_CLIPBOARD_BYTES ? { type: 'clipboard', text: m.text } : 'clipboard text too long';
    case 'clipboard-request':
      return { type: 'clipboard-request' };
    case 'monitor':
      return m.index === 'all' || int(m.index, 0, 15) ? { type: 'monitor', index: m.index as number | 'all' } : 'monitor must be 0..15 or "all"';
    case 'ping':
      return typeof m.t === 'number' && Number.isFinite(m.t) ? { type: 'ping', t: m.t } : 'ping needs t';
    default:
      return 'unknown message type';
  }
}

/** A binary desktop frame's kind and payload, or a reason it is malformed. */
export function splitFrame(frame: Uint8Array): { kind: DesktopFrame; payload: Uint8Array } | string {
  if (frame.length < 1) return 'empty frame';
  const kind = frame[0]!;
  const payload = frame.subarray(1);
  switch (kind) {
    case DesktopFrame.Update:
    case DesktopFrame.Keyframe:
      return payload.length > 0 ? { kind, payload } : 'empty update';
    case DesktopFrame.Refresh:
      return payload.length > 0 ? { kind, payload } : 'empty refresh';
    case DesktopFrame.CursorShape: {
      if (payload.length < 12) return 'cursor shape too short';
      const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      const w = v.getUint16(0, true), h = v.getUint16(2, true);
      if (w === 0 || h === 0 || w > MAX_CURSOR_SIDE || h > MAX_CURSOR_SIDE) return 'cursor size out of range';
      if (v.getUint16(4, true) >= w || v.getUint16(6, true) >= h) return 'cursor hot spot outside the image';
      return payload.length === 12 + w * h * 4 ? { kind, payload } : 'cursor shape length mismatch';
    }
    case DesktopFrame.CursorPosition:
      return payload.length === 13 ? { kind, payload } : 'cursor position must be 13 bytes';
    default:
      return `unknown frame kind ${kind}`;
  }
}

export function frame(kind: DesktopFrame, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = kind;
  out.set(payload, 1);
  return out;
}
