import type { ConsoleServerMessage } from '../protocol/console.ts';

interface ConsoleSocket {
  send(data: string): unknown;
}

/** Every open console socket, so live changes can be pushed to all of them. */
export class ConsoleHub {
  private sockets = new Set<ConsoleSocket>();

  add(socket: ConsoleSocket): void {
    this.sockets.add(socket);
  }

  remove(socket: ConsoleSocket): void {
    this.sockets.delete(socket);
  }

  broadcast(message: ConsoleServerMessage): void {
    const text = JSON.stringify(message);
    for (const socket of this.sockets) socket.send(text);
  }

  get size(): number {
    return this.sockets.size;
  }
}
