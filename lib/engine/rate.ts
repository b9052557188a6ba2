// Turns a rate in tickets per second into whole-ticket batches per tick, carrying the
// fraction over, so that 0.1/s and 10,000/s both come out right without a timer per ticket.
export class RateMeter {
  private carry = 0;
  private last: number;

  constructor(
    readonly perSecond: number,
    now: number,
  ) {
    if (!(perSecond > 0)) throw new RangeError("rate must be positive");
    this.last = now;
  }

  /** Tickets due since the last call. At most one second's worth, so a stall is not a burst. */
  take(now: number): number {
    this.carry = Math.min(this.carry + ((now - this.last) * this.perSecond) / 1000, Math.max(1, this.perSecond));
    this.last = now;
    const n = Math.floor(this.carry);
    this.carry -= n;
    return n;
  }

  /** Forget the time spent blocked (pool full, queue): a rate is a pace, not a debt. */
  restart(now: number): void {
    this.last = now;
  }

  /** How long to sleep before the next ticket is due: never shorter than one tick. */
  delayMs(tickMs: number): number {
    const untilNext = ((1 - this.carry) * 1000) / this.perSecond;
    return Math.max(tickMs, Math.ceil(untilNext));
  }
}
