// The desktop stream's sink on the agent's WebSocket, paced by the server's acknowledgements.
//
// A WebSocket's bufferedAmount only counts what has not reached the operating system yet; the kernel's socket
// buffers (megabytes on a LAN) would hide a slow link behind it and let stale pictures pile up. The server answers
// every binary frame with `desktop-ack {bytes}` (total binary bytes received on this connection), so
// "sent minus acknowledged" is exactly what is still on the way, wherever it sits.
import type { FrameSink } from '../desktop/desktopStream.ts';
import type { AgentLink } from '../connection.ts';

export class AckedSink implements FrameSink {
  private sent = 0;
  private acked = 0;

  constructor(private readonly link: AgentLink) {}

  send(bytes: Uint8Array): void {
    if (this.link.sendBinary(bytes)) this.sent += bytes.length;
  }

  /**
   * The server's total. A total above what was sent, or below an earlier one, cannot be true (a confused or forged
   * message): it is ignored rather than allowed to unblock pacing. Returns false when ignored.
   */
  ack(totalBytes: number): boolean {
    if (totalBytes > this.sent || totalBytes < this.acked) return false;
    this.acked = totalBytes;
    return true;
  }

  bufferedAmount(): number {
    return this.sent - this.acked + this.link.bufferedAmount();
  }

  /** Bytes sent on this connection that the server has not acknowledged. */
  get unacknowledged(): number {
    return this.sent - this.acked;
  }

  get bytesSent(): number {
    return this.sent;
  }

  /** A new connection: the server counts from zero again. */
  reset(): void {
    this.sent = 0;
    this.acked = 0;
  }
}
