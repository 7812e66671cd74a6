/**
 * Keeps the panels at most one render per frame (or per `minGapMs`, which may change, e.g. longer while a
 * replay races) however fast updates arrive (a replay at "max" speed sends
 * thousands a second): an update is rendered at once when the last render is at least `minGapMs` old,
 * otherwise the latest one is rendered on the next animation frame. `render` gets the latest item and the
 * time the oldest unrendered one arrived (for latency measurement).
 */
export class UpdateBatcher<T> {
  private pending: { item: T; since: number } | null = null;
  private lastRender = Number.NEGATIVE_INFINITY;
  private scheduled = false;
  private cancelled = false;

  constructor(
    private readonly render: (item: T, since: number) => void,
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: (fn: () => void) => void = (fn) => void requestAnimationFrame(fn),
    private readonly minGapMs: number | (() => number) = 16,
  ) {}

  private gap(): number {
    return typeof this.minGapMs === 'number' ? this.minGapMs : this.minGapMs();
  }

  push(item: T): void {
    const t = this.now();
    this.pending = { item, since: this.pending?.since ?? t };
    if (t - this.lastRender >= this.gap()) this.flush();
    else this.later();
  }

  /** Renders on a coming frame: the first one at least the gap after the last render. */
  private later(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      if (this.cancelled || !this.pending) return;
      // A frame comes every ~16 ms: with a longer gap (a racing replay), wait for a later frame.
      if (this.now() - this.lastRender >= this.gap() - 16) this.flush();
      else this.later();
    });
  }

  /** Drops anything not rendered yet (the stream changed). */
  reset(): void {
    this.pending = null;
  }

  dispose(): void {
    this.cancelled = true;
    this.pending = null;
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.lastRender = this.now();
    this.render(p.item, p.since);
  }
}
