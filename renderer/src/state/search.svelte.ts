// Search by example: one query image, the top-k most similar catalogued photos.
import type { SearchResult } from '../../../electron/shared/contract.js';
import { droppedPaths, type Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';

type SearchClient = Pick<Client, 'search' | 'pickFiles' | 'pathForFile' | 'showInFolder'>;

export class SearchState {
  query = $state<string | null>(null);
  top = $state(24);
  result = $state.raw<SearchResult | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  readonly #client: SearchClient;
  #request = 0;

  constructor(client: SearchClient) {
    this.#client = client;
  }

  /** Asks the user for an example image, then searches with it. */
  async pick(): Promise<void> {
    try {
      const { paths } = await this.#client.pickFiles({ title: 'Find photos like…' });
      if (paths[0]) await this.search(paths[0]);
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  /** Searches with the first dropped file the shell knows a path for. */
  drop(files: readonly File[]): Promise<void> {
    return this.search(droppedPaths(this.#client, files)[0] ?? null);
  }

  async showInFolder(path: string): Promise<void> {
    try {
      await this.#client.showInFolder({ path });
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async search(path: string | null = this.query): Promise<void> {
    if (path === null) return;
    this.query = path;
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    try {
      const result = await this.#client.search({ path, top: this.top });
      if (request === this.#request) this.result = result;
    } catch (err) {
      if (request === this.#request) this.error = messageOf(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}
