// Pause/resume for a running scan: every stage passes through the gate before it starts on the next file, so
// a pause takes effect after the files already in flight (a second or so) and holds no locks meanwhile.

export class PauseGate {
  private resumeWaiters: (() => void)[] = [];
  private listeners = new Set<(paused: boolean) => void>();
  private isPaused = false;

  get paused(): boolean {
    return this.isPaused;
  }

  pause(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    for (const l of this.listeners) l(true);
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    for (const resolve of this.resumeWaiters.splice(0)) resolve();
    for (const l of this.listeners) l(false);
  }

  /** Resolves at once when running; else on resume, or on abort (so a paused scan can still be cancelled). */
  wait(signal?: AbortSignal): Promise<void> {
    if (!this.isPaused || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.resumeWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Called with true on pause and false on resume; returns an unsubscribe function. */
  onChange(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
