type Listener<T> = (payload: T) => void;

/**
 * A minimal typed event emitter. A listener that throws is reported to `onListenerError` and does not
 * stop the others, nor the client that emitted.
 */
export class Emitter<Events extends object> {
  private readonly listeners: { [E in keyof Events]?: Set<Listener<Events[E]>> } = {};

  constructor(private readonly onListenerError: (error: unknown, event: keyof Events) => void) {}

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners[event];
    if (!set) {
      set = new Set();
      this.listeners[event] = set;
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const set = this.listeners[event];
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }

  clear(): void {
    for (const key of Object.keys(this.listeners) as Array<keyof Events>) delete this.listeners[key];
  }
}
