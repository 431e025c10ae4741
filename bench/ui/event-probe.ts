// Page-side latency bookkeeping for ui.event_latency_ms_p99: each bench quote
// carries its send time (ts, epoch ms from the sender's high-resolution clock)
// and sequence number (bid). When a frame shows a value in the DOM, every event
// received up to that value is stamped "shown" at that frame's animation
// callback, so events a coalescing page skips still count, at the time the DOM
// first showed them or a newer value.

/** What an events page exposes to the benchmark driver on window.__bench. */
export interface EventBenchApi {
  /** Latencies (ms) of every event shown so far, and the last sequence number shown. */
  result(): { latencies: number[]; lastShown: number; connected: boolean };
  /** Forgets the latencies so far (after the warm-up). */
  reset(): void;
}

export const wallNow = (): number => performance.timeOrigin + performance.now();

export class EventProbe {
  private readonly received: Array<{ seq: number; sentAt: number }> = [];
  private readonly latencies: number[] = [];
  private lastShown = -1;
  connected = false;

  receive(seq: number, sentAt: number): void {
    this.received.push({ seq, sentAt });
  }

  /** The DOM now shows sequence `seq`: stamps every received event up to it. */
  shown(seq: number, at = wallNow()): void {
    let i = 0;
    while (i < this.received.length && this.received[i]!.seq <= seq) {
      this.latencies.push(at - this.received[i]!.sentAt);
      i++;
    }
    this.received.splice(0, i);
    this.lastShown = Math.max(this.lastShown, seq);
  }

  api(): EventBenchApi {
    return {
      result: () => ({ latencies: this.latencies.slice(), lastShown: this.lastShown, connected: this.connected }),
      reset: () => void (this.latencies.length = 0),
    };
  }
}

export function valueElement(): HTMLElement {
  const el = document.getElementById('value');
  if (!el) throw new Error('bench page: no #value element');
  return el;
}

export function wsUrl(): string {
  const url = new URLSearchParams(location.search).get('ws');
  if (!url) throw new Error('bench page: no ?ws= URL');
  return url;
}
