// Clocks: the engine reads time and schedules work only through a Clock, so the
// same code runs in real time (LiveClock) and in simulated time (SimulatedClock).

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  /** Runs `fn` once at time `at` (clock time, epoch ms). */
  setTimer(at: number, fn: () => void): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
}

/** Wall-clock time; timers are real setTimeouts. */
export class LiveClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private seq = 0;

  now(): number {
    return Date.now();
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const id = ++this.seq;
    this.arm(id, at, fn);
    return { id };
  }

  /** A setTimeout can fire up to a millisecond before the wall clock reads `at` (it counts on another clock): then it waits out the rest, so `fn` never sees a time before `at`. */
  private arm(id: number, at: number, fn: () => void): void {
    const t = setTimeout(() => {
      if (Date.now() < at) return this.arm(id, at, fn);
      this.timers.delete(id);
      fn();
    }, Math.max(0, at - Date.now()));
    this.timers.set(id, t);
  }

  cancelTimer(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }
}

type SimTimer = { id: number; at: number; fn: () => void };

/**
 * Simulated time: nothing moves until `advanceTo` is called. Timers fire in
 * time order; timers due at the same instant fire in the order they were set.
 */
export class SimulatedClock implements Clock {
  private t: number;
  private seq = 0;
  private heap: SimTimer[] = [];
  private readonly canceled = new Set<number>();

  constructor(start: number) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const timer = { id: ++this.seq, at: Math.max(at, this.t), fn };
    this.push(timer);
    return { id: timer.id };
  }

  cancelTimer(handle: TimerHandle): void {
    this.canceled.add(handle.id);
  }

  /** Time of the next pending timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    while (this.heap.length && this.canceled.has(this.heap[0]!.id)) {
      this.canceled.delete(this.pop()!.id);
    }
    return this.heap[0]?.at;
  }

  /**
   * Fires every timer due at or before `target` (at most `maxTimers`), then
   * sets the clock to `target` if all due timers ran. Returns timers fired.
   */
  advanceTo(target: number, maxTimers = Infinity): number {
    let fired = 0;
    for (;;) {
      const at = this.nextTimerAt();
      if (at === undefined || at > target) break;
      if (fired >= maxTimers) return fired;
      const timer = this.pop()!;
      this.t = timer.at;
      fired++;
      timer.fn();
    }
    if (target > this.t) this.t = target;
    return fired;
  }

  get pending(): number {
    return this.heap.length - this.canceled.size;
  }

  private less(a: SimTimer, b: SimTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.id < b.id);
  }

  private push(timer: SimTimer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): SimTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
