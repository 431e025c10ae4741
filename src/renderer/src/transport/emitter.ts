// A tiny typed listener set used by both transports (events, connection state,
// connection problems). A throwing listener is logged, never breaks the others.
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (e) {
        console.error('[tradedesk] listener failed', e);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
