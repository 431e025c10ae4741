// Typed, synchronous message bus with deterministic ordering. A message
// published while another is being delivered is queued and delivered after it
// (breadth-first), so the order of effects never depends on handler nesting.
// A throwing handler is isolated: it is reported and the rest still run.

export type Handler<T> = (message: T) => void;

export class MessageBus<M extends object> {
  private readonly handlers = new Map<keyof M, Handler<never>[]>();
  // the queue as two parallel arrays kept at their size between deliveries (cleared, not truncated): a
  // [topic, message] pair per message and a fresh backing store per delivery were most of a backtest's garbage
  private readonly topics: Array<keyof M | undefined> = [];
  private readonly messages: unknown[] = [];
  private queued = 0;
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
    const n = this.queued++;
    this.topics[n] = topic;
    this.messages[n] = message;
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.queued; i++) {
        const t = this.topics[i]!;
        const m = this.messages[i];
        this.published++;
        const list = this.handlers.get(t);
        if (!list) continue;
        // indexed (the lists never change in place): a for-of iterator per message was garbage on every bar
        for (let j = 0; j < list.length; j++) {
          const h = list[j]!;
          try {
            (h as Handler<unknown>)(m);
          } catch (e) {
            this.onHandlerError(String(t), e);
          }
        }
      }
    } finally {
      // drop the references (the messages may be collected) but keep the arrays' room
      for (let i = 0; i < this.queued; i++) {
        this.topics[i] = undefined;
        this.messages[i] = undefined;
      }
      this.queued = 0;
      this.dispatching = false;
    }
  }
}
