// A bounded async queue between pipeline stages: a full queue makes the producer wait, which is what keeps
// memory flat however large the library is (at most `capacity` items sit between two stages).

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private readonly waitingPushers: (() => void)[] = [];
  private readonly waitingTakers: (() => void)[] = [];

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('queue capacity must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  /** Waits for room; returns false (and drops the item) once the queue is closed. */
  async push(item: T): Promise<boolean> {
    while (!this.closed && this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingPushers.push(resolve));
    }
    if (this.closed) return false;
    this.items.push(item);
    this.wake(this.waitingTakers);
    return true;
  }

  /** The next item, or undefined once the queue is closed and empty. */
  async take(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => this.waitingTakers.push(resolve));
    }
    const item = this.items.shift();
    if (item !== undefined) this.wake(this.waitingPushers);
    return item;
  }

  /** Up to `max` items: waits until `max` are queued or the queue is closed (then returns what is left). */
  async takeUpTo(max: number): Promise<T[]> {
    while (this.items.length < max && !this.closed) {
      await new Promise<void>((resolve) => this.waitingTakers.push(resolve));
    }
    const batch = this.items.splice(0, max);
    if (batch.length > 0) this.wakeAll(this.waitingPushers);
    return batch;
  }

  /** No more pushes; takers drain what is queued. */
  close(): void {
    this.closed = true;
    this.wakeAll(this.waitingTakers);
    this.wakeAll(this.waitingPushers);
  }

  /** Close and forget queued items (cancel). */
  discard(): void {
    this.items.length = 0;
    this.close();
  }

  private wake(list: (() => void)[]): void {
    list.shift()?.();
  }

  private wakeAll(list: (() => void)[]): void {
    for (const resolve of list.splice(0)) resolve();
  }
}

/** Runs `worker` on every item of `input` with `concurrency` items in flight; resolves when input is drained. */
export async function drain<T>(input: BoundedQueue<T>, concurrency: number, worker: (item: T) => Promise<void>): Promise<void> {
  const loops = Array.from({ length: Math.max(1, concurrency) }, async () => {
    for (let item = await input.take(); item !== undefined; item = await input.take()) await worker(item);
  });
  await Promise.all(loops);
}
