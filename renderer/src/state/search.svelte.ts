// Search by example: one query image, the top-k most similar catalogued photos.
import type { SearchResult } from '../../../electron/shared/contract.js';
import type { Client } from '../lib/api.js';
import { messageOf } from './compare.svelte.js';

export class SearchState {
  query = $state<string | null>(null);
  top = $state(24);
  result = $state.raw<SearchResult | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  readonly #client: Pick<Client, 'search'>;
  #request = 0;

  constructor(client: Pick<Client, 'search'>) {
    this.#client = client;
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
