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

  subscribe<K extends keyof M>(topic: K, handler: Handler<M[K]>): () => void {
    const list = this.handlers.get(topic) ?? [];
    list.push(handler as Handler<never>);
    this.handlers.set(topic, list);
    return () => {
      const current = this.handlers.get(topic);
      if (!current) return;
      const i = current.indexOf(handler as Handler<never>);
      if (i >= 0) current.splice(i, 1);
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
        for (const h of list.slice()) {
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
