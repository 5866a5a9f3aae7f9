// A WebSocket viewer on a plain TCP socket that can stop reading (pause) like a browser on a stalled link: the
// server's send buffer then fills for real, which a WebSocket client object (always reading) cannot reproduce.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { createDecoder } from '../../../native/index.ts';
import { DesktopFrame } from '../../protocol/desktop.ts';

export class RawViewer {
  readonly messages: { type: string; [k: string]: any }[] = [];
  readonly decoder = createDecoder();
  decodeErrors: string[] = [];
  pictureFrames = 0;
  bytesRead = 0;
  closeCode: number | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private upgraded = false;

  private constructor(private socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.bytesRead += chunk.length;
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.parse();
    });
  }

  static open(port: number, path: string, cookie: string): Promise<RawViewer> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nCookie: ${cookie}\r\n\r\n`,
        );
      });
      const viewer = new RawViewer(socket);
      socket.on('error', reject);
      const wait = setInterval(() => {
        if (viewer.upgraded) {
          clearInterval(wait);
          resolve(viewer);
        }
      }, 5);
    });
  }

  /** Stops reading: the kernel buffers fill, then the server's own send buffer grows. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** The decoded picture (empty before the first key message). */
  picture(): Uint8Array {
    return this.pictureFrames ? this.decoder.rgba() : new Uint8Array(0);
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    if (!this.upgraded) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString();
      if (!head.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${head.split('\r\n')[0]}`);
      this.upgraded = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let at = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        at = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        at = 10;
      }
      if (this.buffer.length < at + length) return;
      const payload = this.buffer.subarray(at, at + length);
      this.buffer = this.buffer.subarray(at + length);
      if (opcode === 1) this.messages.push(JSON.parse(payload.toString()));
      else if (opcode === 2) this.onFrame(new Uint8Array(payload));
      else if (opcode === 8) this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    }
  }

  private onFrame(bytes: Uint8Array): void {
    if (bytes[0] !== DesktopFrame.Update && bytes[0] !== DesktopFrame.Keyframe && bytes[0] !== DesktopFrame.Refresh) return;
    try {
      this.decoder.apply(bytes.subarray(1));
      this.pictureFrames++;
    } catch (error) {
      this.decodeErrors.push((error as Error).message);
    }
  }
}
