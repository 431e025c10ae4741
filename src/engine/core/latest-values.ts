// The latest number per key (a symbol's last bar time, quote time, close, a
// running sum per sector), kept in one mutable box per key: a Map of plain
// numbers boxes a new double on every set, which on a per-bar path is a
// backtest's steady garbage.

export class LatestValues {
  private readonly boxes = new Map<string, { v: number }>();

  get(key: string): number | undefined {
    return this.boxes.get(key)?.v;
  }

  set(key: string, v: number): void {
    const b = this.boxes.get(key);
    if (b) b.v = v;
    else this.boxes.set(key, { v });
  }

  /** Adds `d` to the key's number (from 0 when it has none). */
  add(key: string, d: number): void {
    const b = this.boxes.get(key);
    if (b) b.v += d;
    else this.boxes.set(key, { v: 0 + d });
  }

  clear(): void {
    this.boxes.clear();
  }
}
