/** setTimeout's limit: a longer delay would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Calls `onSilence` once when `feed()` has not been called for `timeoutMs` (0 or Infinity: never). A stream feeds
 * it with every byte or message it receives.
 */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onSilence: () => void,
  ) {}

  /** Something arrived: the countdown starts again. */
  feed(): void {
    if (this.stopped || !(this.timeoutMs > 0 && this.timeoutMs <= MAX_TIMER_MS)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stopped = true;
      this.onSilence();
    }, this.timeoutMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
