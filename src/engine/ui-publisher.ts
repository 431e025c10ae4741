// Coalesces engine changes into UI events: a topic marked dirty is sent at most
// once per interval (wall clock) as one snapshot, never one message per tick.
// With no listener attached nothing is built, so batch runs pay nothing.
import { EVENT_TOPICS, type EngineEvent, type EventPayload, type EventTopic } from '../shared/api/contract.js';

export type TopicBuilders = { [T in EventTopic]: () => EventPayload<T> };

export class UiPublisher {
  private readonly dirty = new Set<EventTopic>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  sent = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly builders: TopicBuilders,
  ) {}

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  markDirty(topic: EventTopic): void {
    if (this.listeners.size === 0 || this.closed) return;
    this.dirty.add(topic);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  /** Sends one snapshot per dirty topic now. */
  flush(): void {
    this.timer = undefined;
    if (this.dirty.size === 0) return;
    const topics = EVENT_TOPICS.filter((t) => this.dirty.has(t));
    this.dirty.clear();
    for (const topic of topics) {
      const event = { topic, data: this.builders[topic]() } as EngineEvent;
      this.sent++;
      for (const l of this.listeners) {
        try {
          l(event);
        } catch {
          // a failing transport must not stop the others
        }
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
