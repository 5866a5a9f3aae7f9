/** Open connections per network address, with a cap (0: none), so one address cannot hold unlimited sockets. */
export class ConnectionCounter {
  private counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Counts one more connection from `address`; false (and nothing counted) when it already holds the maximum. */
  open(address: string): boolean {
    const n = this.counts.get(address) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.counts.set(address, n + 1);
    return true;
  }

  close(address: string): void {
    const n = (this.counts.get(address) ?? 0) - 1;
    if (n <= 0) this.counts.delete(address);
    else this.counts.set(address, n);
  }
}
