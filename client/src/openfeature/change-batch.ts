/**
 * Collects the flags and segments a burst of changes touched, and hands them over once, in a microtask:
 * a snapshot after a reconnection (or a chunk of replayed stream events) applies many changes in one go,
 * and becomes one CONFIGURATION_CHANGED rather than one per flag.
 */
export class ChangeBatch {
  private flags = new Set<string>();
  private segments = new Set<string>();
  private scheduled = false;
  private cancelled = false;

  constructor(private readonly flush: (flags: ReadonlySet<string>, segments: ReadonlySet<string>) => void) {}

  flag(key: string): void {
    this.flags.add(key);
    this.schedule();
  }

  segment(key: string): void {
    this.segments.add(key);
    this.schedule();
  }

  /** Drops what is pending; nothing is handed over from now on. */
  cancel(): void {
    this.cancelled = true;
    this.flags.clear();
    this.segments.clear();
  }

  private schedule(): void {
    if (this.scheduled || this.cancelled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.cancelled) return;
      const { flags, segments } = this;
      this.flags = new Set();
      this.segments = new Set();
      this.flush(flags, segments);
    });
  }
}
