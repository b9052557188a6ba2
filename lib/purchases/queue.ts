import { byServingOrder } from "./order";

// The requests waiting in one process, kept in the serving order (VIPs first, FIFO within each
// class). Pure data structure, no I/O.

type Entry<T> = { item: T; vip: boolean; at: number; seq: number };

export class WaitingQueue<T extends { vip: boolean }> {
  private entries: Entry<T>[] = [];
  private nextSeq = 0;

  /** Entries are kept in serving order, so every walk over them (answers included) follows it. */
  join(item: T): void {
    const entry = { item, vip: item.vip, at: Date.now(), seq: this.nextSeq++ };
    // Binary search for the first entry served after this one: a join costs O(log n), not a sort.
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byServingOrder(this.entries[mid], entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, entry);
  }

  /** Everyone waiting, in the order they are served. */
  ordered(): T[] {
    return this.entries.map((e) => e.item);
  }

  remove(item: T): boolean {
    const at = this.entries.findIndex((e) => e.item === item);
    if (at < 0) return false;
    this.entries.splice(at, 1);
    return true;
  }

  /** Removes every item for which `done` is true, keeping the order of the rest. */
  prune(done: (item: T) => boolean): T[] {
    const gone: T[] = [];
    this.entries = this.entries.filter((e) => (done(e.item) ? (gone.push(e.item), false) : true));
    return gone;
  }

  /** 1-based place in the serving order, or 0 when not queued. */
  position(item: T): number {
    return this.ordered().indexOf(item) + 1;
  }

  get size(): { vip: number; regular: number } {
    const vip = this.entries.filter((e) => e.vip).length;
    return { vip, regular: this.entries.length - vip };
  }

  drain(): T[] {
    const all = this.ordered();
    this.entries = [];
    return all;
  }
}
