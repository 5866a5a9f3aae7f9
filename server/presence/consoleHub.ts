import type { ConsoleServerMessage } from '../protocol/console.ts';

interface ConsoleSocket {
  send(data: string): unknown;
  close(code?: number, reason?: string): unknown;
}

/** Every open console socket and whose it is, so live changes can be pushed to all or to some engineers. */
export class ConsoleHub {
  private sockets = new Map<ConsoleSocket, number>();

  add(socket: ConsoleSocket, engineerId: number): void {
    this.sockets.set(socket, engineerId);
  }

  remove(socket: ConsoleSocket): void {
    this.sockets.delete(socket);
  }

  broadcast(message: ConsoleServerMessage): void {
    const text = JSON.stringify(message);
    for (const socket of this.sockets.keys()) socket.send(text);
  }

  /** Sends each connected engineer their own message (e.g. the queue of their desks); null skips them. */
  each(messageFor: (engineerId: number) => ConsoleServerMessage | null): void {
    const cache = new Map<number, string | null>();
    for (const [socket, engineerId] of this.sockets) {
      if (!cache.has(engineerId)) {
        const m = messageFor(engineerId);
        cache.set(engineerId, m ? JSON.stringify(m) : null);
      }
      const text = cache.get(engineerId);
      if (text) socket.send(text);
    }
  }

  sendTo(engineerIds: Iterable<number>, message: ConsoleServerMessage): void {
    const wanted = new Set(engineerIds);
    const text = JSON.stringify(message);
    for (const [socket, engineerId] of this.sockets) if (wanted.has(engineerId)) socket.send(text);
  }

  /** Closes every console of an engineer (disabled, password reset): their access ended with their logins. */
  closeFor(engineerId: number, reason: string): void {
    for (const [socket, id] of this.sockets) if (id === engineerId) socket.close(4001, reason);
  }

  get size(): number {
    return this.sockets.size;
  }
}
