// The event's waiting queue: two FIFO lanes, and every waiting VIP is served before any
// regular customer (DESIGN §3). Pure data structure, no I/O.
export type Lane = "vip" | "regular";

export class WaitingQueue<T extends { vip: boolean }> {
  private readonly lanes: Record<Lane, T[]> = { vip: [], regular: [] };

  join(item: T): void {
    this.lanes[item.vip ? "vip" : "regular"].push(item);
  }

  /** Everyone waiting, in the order they are served: VIPs first, FIFO within each lane. */
  ordered(): T[] {
    return [...this.lanes.vip, ...this.lanes.regular];
  }

  remove(item: T): boolean {
    const lane = this.lanes[item.vip ? "vip" : "regular"];
    const at = lane.indexOf(item);
    if (at < 0) return false;
    lane.splice(at, 1);
    return true;
  }

  /** Removes every item for which `done` is true, keeping the order of the rest. */
  prune(done: (item: T) => boolean): T[] {
    const gone: T[] = [];
    for (const lane of Object.values(this.lanes)) {
      const keep = lane.filter((item) => (done(item) ? (gone.push(item), false) : true));
      lane.splice(0, lane.length, ...keep);
    }
    return gone;
  }

  /** 1-based place in the serving order, or 0 when not queued. */
  position(item: T): number {
    return this.ordered().indexOf(item) + 1;
  }

  get size(): { vip: number; regular: number } {
    return { vip: this.lanes.vip.length, regular: this.lanes.regular.length };
  }

  drain(): T[] {
    const all = this.ordered();
    this.lanes.vip = [];
    this.lanes.regular = [];
    return all;
  }
}
