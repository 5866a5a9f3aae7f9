// The `monitors` message from what the capture layer sees, shaped to what the server accepts (at most 16 monitors,
// names up to 64 characters, sizes 1..16384): a message the server would refuse would cost the connection.
import type { Monitor } from '../../native/capture.ts';
import type { AgentMessage, MonitorInfo } from '../../server/protocol/agent.ts';

const MAX_MONITORS = 16;
const MAX_NAME = 64;
const MAX_SIDE = 16384;
const MAX_COORD = 65536;

export function monitorInfos(monitors: readonly Monitor[]): MonitorInfo[] {
  const out: MonitorInfo[] = [];
  for (const m of monitors) {
    if (out.length === MAX_MONITORS) break;
    // Clamped, never skipped: the indices must stay those of the capture layer (the viewer picks by index).
    const width = Math.max(1, Math.min(Math.trunc(m.width) || 1, MAX_SIDE));
    const height = Math.max(1, Math.min(Math.trunc(m.height) || 1, MAX_SIDE));
    out.push({
      x: Math.max(-MAX_COORD, Math.min(MAX_COORD, Math.trunc(m.x))),
      y: Math.max(-MAX_COORD, Math.min(MAX_COORD, Math.trunc(m.y))),
      width,
      height,
      name: String(m.name).slice(0, MAX_NAME),
      primary: m.primary === true,
    });
  }
  return out;
}

/** The message; a current index the list no longer has becomes 'all' (what the stream falls back to). */
export function monitorsMessage(monitors: readonly Monitor[], current: number | 'all'): Extract<AgentMessage, { type: 'monitors' }> {
  const list = monitorInfos(monitors);
  return { type: 'monitors', monitors: list, current: current !== 'all' && current < list.length ? current : 'all' };
}
