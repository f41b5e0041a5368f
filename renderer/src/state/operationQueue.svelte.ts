// File operations run one at a time, in the order the user asked for them (d, d, Ctrl+Z must not race), and
// the last one's failure is what the UI shows.
import { messageOf } from '../lib/errors.js';

export class OperationQueue {
  busy = $state(false);
  /** The last failure, in words; cleared when the next operation starts. */
  error = $state<string | null>(null);
  #tail: Promise<void> = Promise.resolve();

  /** Queues `work` after everything queued before it; a throw becomes `error` and changes nothing else. */
  run(work: () => Promise<void>): Promise<void> {
    const next = this.#tail.then(async () => {
      this.busy = true;
      this.error = null;
      try {
        await work();
      } catch (err) {
        this.error = messageOf(err);
      } finally {
        this.busy = false;
      }
    });
    this.#tail = next;
    return next;
  }
}
