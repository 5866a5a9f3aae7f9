// A WebSocket stand-in that a test drives by hand (open, message, binary, drop) and whose sends it reads back.
// Every instance is listed in FakeSocket.all, so a test can reach the socket the code under test made.
import type { SocketLike } from '../live/reconnectingSocket.ts';

export class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  /** What the code sent, as sent. */
  sent: string[] = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  /** What the code sent, parsed as JSON. */
  get sentJson(): any[] {
    return this.sent.map((s) => JSON.parse(s));
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** A JSON text message from the server. */
  message(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  /** A binary message from the server. */
  binary(bytes: Uint8Array) {
    this.onmessage?.({ data: bytes.slice().buffer } as MessageEvent);
  }
  /** The connection is lost. */
  drop() {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.({ code: 1006 } as CloseEvent);
  }
}
