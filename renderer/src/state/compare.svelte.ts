// The compare view's state: two chosen images and the engine's verdict on them.
import type { CompareResult } from '../../../electron/shared/contract.js';
import { droppedPaths, type Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';

type CompareClient = Pick<Client, 'compare' | 'pickFiles' | 'pathForFile'>;

export class CompareState {
  a = $state<string | null>(null);
  b = $state<string | null>(null);
  result = $state.raw<CompareResult | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  showHeatmap = $state(true);
  readonly #client: CompareClient;
  #request = 0;

  readonly ready = $derived(this.a !== null && this.b !== null);

  constructor(client: CompareClient) {
    this.#client = client;
  }

  /** Asks the user for one image (or two at once) for `side`, then compares. */
  async pick(side: 'a' | 'b'): Promise<void> {
    try {
      const { paths } = await this.#client.pickFiles({ title: 'Choose an image to compare', multiple: true });
      await this.choose(paths, side);
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** Files dropped on `side` (the ones the shell knows a path for). */
  drop(side: 'a' | 'b', files: readonly File[]): Promise<void> {
    return this.choose(droppedPaths(this.#client, files), side);
  }

  /** Sets one side (or both, when two files come at once) and compares as soon as both are there. */
  async choose(paths: string[], side: 'a' | 'b'): Promise<void> {
    if (paths.length === 0) return;
    if (paths.length >= 2) {
      this.a = paths[0]!;
      this.b = paths[1]!;
    } else if (side === 'a') this.a = paths[0]!;
    else this.b = paths[0]!;
    this.result = null;
    if (this.ready) await this.run();
  }

  swap(): void {
    [this.a, this.b] = [this.b, this.a];
    if (this.result) void this.run();
  }

  async run(): Promise<void> {
    if (this.a === null || this.b === null) return;
    // Only the latest request may write the result (choosing quickly twice must not show the first pair).
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    try {
      const result = await this.#client.compare({ a: this.a, b: this.b });
      if (request === this.#request) this.result = result;
    } catch (err) {
      if (request === this.#request) {
        this.result = null;
        this.error = messageOf(err);
      }
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}
