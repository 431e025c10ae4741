// Deterministic identifiers. Client order ids are unique per session and
// reproducible: the same session id and sequence give the same ids, so a
// resubmission is idempotent at the venue and a replay reproduces them.

export class ClientOrderIds {
  private seq = 0;

  /** `sessionId` must be unique per engine session (e.g. derived from its start time). */
  constructor(private readonly sessionId: string) {
    if (!/^[A-Za-z0-9]{1,16}$/.test(sessionId)) throw new Error(`bad session id '${sessionId}': 1-16 letters or digits`);
  }

  /** Each source's id tag (a few sources, one per order). */
  private readonly tags = new Map<string, string>();

  next(source: string): string {
    this.seq++;
    let tag = this.tags.get(source);
    if (tag === undefined) {
      tag = source.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'x';
      if (this.tags.size < 256) this.tags.set(source, tag);
    }
    return `td-${this.sessionId}-${tag}-${this.seq.toString().padStart(6, '0')}`;
  }

  get issued(): number {
    return this.seq;
  }
}

/** Session id from a start time: base-36 seconds, short and sortable. */
export function sessionIdFor(startMs: number): string {
  return Math.floor(startMs / 1000).toString(36);
}

/** Small monotonic id generator for alerts and other local records. */
export class Sequence {
  private n = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    return `${this.prefix}${++this.n}`;
  }
}
