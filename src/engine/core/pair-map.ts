// A map keyed by a pair of strings, held as a map of maps. A lookup hashes two
// strings the caller already has (strategy ids, symbols, regimes), where a key
// built per call (`${a}|${b}`) is a new string to allocate and hash every time:
// learning looks cells and latest signals up on every signal and bar.
export class PairMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();

  get(a: string, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }

  has(a: string, b: string): boolean {
    return this.outer.get(a)?.has(b) ?? false;
  }

  set(a: string, b: string, value: V): this {
    let inner = this.outer.get(a);
    if (!inner) this.outer.set(a, (inner = new Map()));
    inner.set(b, value);
    return this;
  }

  delete(a: string, b: string): boolean {
    const inner = this.outer.get(a);
    if (!inner?.delete(b)) return false;
    if (inner.size === 0) this.outer.delete(a);
    return true;
  }

  /** Every value, grouped by the first key (in the order each first key was first set). */
  *values(): IterableIterator<V> {
    for (const inner of this.outer.values()) yield* inner.values();
  }
}
