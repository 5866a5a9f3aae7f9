// The numbers in the corner of the picture. The data-* attributes carry the raw figures for browser tests.
import type { DesktopStats } from './statsMeter.ts';

export function formatStats(s: DesktopStats): string[] {
  return [
    `${s.fps.toFixed(1)} fps`,
    `${s.kbps.toFixed(1)} KB/s`,
    `RTT ${s.rttMs === null ? '–' : `${s.rttMs} ms`}`,
    `decode ${s.decodeMs === null ? '–' : `${s.decodeMs.toFixed(1)} ms`}`,
    `paint ${s.paintMs === null ? '–' : `${s.paintMs.toFixed(1)} ms`}`,
    s.width ? `${s.width}×${s.height}` : 'no picture',
  ];
}

export function StatsOverlay(props: { stats: DesktopStats; shown: boolean }) {
  return (
    <div
      class="desktop-stats"
      data-testid="desktop-stats"
      hidden={!props.shown}
      data-fps={props.stats.fps}
      data-kbps={props.stats.kbps}
      data-rtt={props.stats.rttMs ?? ''}
      data-decode={props.stats.decodeMs ?? ''}
      data-paint={props.stats.paintMs ?? ''}
      aria-label="Desktop statistics"
    >
      {formatStats(props.stats).map((line) => (
        <span>{line}</span>
      ))}
    </div>
  );
}
