// Cross-exchange price check for crypto: polls a second exchange's public
// ticker (ccxt, no keys) for the symbols this engine trades and flags any
// price that differs from ours by more than 0.5% (a data-quality alert naming
// both exchanges). It only reads; it never trades on the second exchange.
import { ccxtLib } from '../venues/ccxt/ccxt-lib.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { QualityMonitor } from './quality-monitor.js';

export interface CrossCheckOptions {
  /** 'ccxt:<exchange id>' of the reference exchange. */
  reference: string;
  /** Our venue's name, for messages. */
  ours: string;
  symbols: string[];
  /** Override of the reference exchange's REST url (proxies, tests). */
  url?: string;
  intervalMs?: number;
  threshold?: number;
  clock: Clock;
  quality: QualityMonitor;
  /** Our current mid of a symbol. */
  ourPrice: (symbol: string) => number | undefined;
  onError?: (message: string) => void;
}

type Ticker = { bid?: number; ask?: number; last?: number };
type Exchange = { fetchTicker(symbol: string): Promise<Ticker>; urls: Record<string, unknown> };

export class CrossExchangeCheck {
  private readonly ex: Exchange;
  private timer: TimerHandle | undefined;
  private stopped = false;
  checks = 0;
  divergent = 0;

  constructor(private readonly o: CrossCheckOptions) {
    const id = o.reference.replace(/^ccxt:/, '');
    const Ctor = (ccxtLib() as unknown as Record<string, new (cfg: object) => Exchange>)[id];
    if (!Ctor) throw new Error(`cross-check: '${id}' is not a ccxt exchange`);
    this.ex = new Ctor({ enableRateLimit: true, timeout: 10_000 });
    if (o.url) {
      const api = this.ex.urls.api;
      this.ex.urls.api = api && typeof api === 'object' ? { ...(api as object), public: o.url, private: o.url, rest: o.url } : o.url;
    }
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.cancelTimer(this.timer);
  }

  /** One round over every symbol; also callable directly. */
  async checkOnce(): Promise<void> {
    for (const symbol of this.o.symbols) {
      const ours = this.o.ourPrice(symbol);
      if (ours === undefined) continue;
      let t: Ticker;
      try {
        t = await this.ex.fetchTicker(symbol);
      } catch (e) {
        this.o.onError?.(`cross-check ${this.o.reference} ${symbol}: ${(e as Error).message}`);
        continue;
      }
      const theirs = t.bid && t.ask ? (t.bid + t.ask) / 2 : (t.last ?? NaN);
      this.checks++;
      if (this.o.quality.crossCheck(symbol, ours, theirs, this.o.ours, this.o.reference, this.o.threshold ?? 0.005).divergent) this.divergent++;
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimer(this.o.clock.now() + delay, () => {
      void this.checkOnce().finally(() => this.schedule(this.o.intervalMs ?? 30_000));
    });
  }
}
