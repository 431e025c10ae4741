// Typed, synchronous message bus with deterministic ordering. A message
// published while another is being delivered is queued and delivered after it
// (breadth-first), so the order of effects never depends on handler nesting.
// A throwing handler is isolated: it is reported and the rest still run.

export type Handler<T> = (message: T) => void;

export class MessageBus<M extends object> {
  private readonly handlers = new Map<keyof M, Handler<never>[]>();
  private readonly queue: Array<[keyof M, unknown]> = [];
  private dispatching = false;
  published = 0;

  constructor(private readonly onHandlerError: (topic: string, error: unknown) => void = () => {}) {}

  // handler lists are copied on (un)subscribe, never changed in place, so a delivery walks the list as it was without copying it
  subscribe<K extends keyof M>(topic: K, handler: Handler<M[K]>): () => void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler as Handler<never>]);
    return () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      const i = current.indexOf(handler as Handler<never>);
      if (i >= 0) this.handlers.set(topic, [...current.slice(0, i), ...current.slice(i + 1)]);
    };
  }

  publish<K extends keyof M>(topic: K, message: M[K]): void {
    this.queue.push([topic, message]);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const next = this.queue[i]!;
        this.published++;
        const list = this.handlers.get(next[0]);
        if (!list) continue;
        for (const h of list) {
          try {
            (h as Handler<unknown>)(next[1]);
          } catch (e) {
            this.onHandlerError(String(next[0]), e);
          }
        }
      }
    } finally {
      this.queue.length = 0;
      this.dispatching = false;
    }
  }
}
