// Library: the folders the catalog covers, the scan job over them, and the files that failed.
import type { FailedFile, Root } from '../../../electron/shared/contract.js';
import type { Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';
import { JobState } from './job.svelte.js';

type LibraryClient = Pick<
  Client,
  'listRoots' | 'addRoot' | 'removeRoot' | 'startScan' | 'pauseJob' | 'resumeJob' | 'cancelJob' | 'listFailed' | 'pickFolder'
>;

export class LibraryState {
  roots = $state.raw<Root[]>([]);
  failed = $state.raw<FailedFile[]>([]);
  error = $state<string | null>(null);
  readonly scan = new JobState('scan');
  readonly #client: LibraryClient;

  constructor(client: LibraryClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    await this.#attempt(async () => {
      [this.roots, this.failed] = await Promise.all([this.#client.listRoots(), this.#client.listFailed()]);
    });
  }

  /**
   * Asks the user for a folder and adds it (a reference folder is compared against, never changed). Main accepts
   * only a folder its dialog returned for this purpose, so there is no way to add a typed path.
   */
  async addFolder(reference: boolean): Promise<void> {
    await this.#attempt(async () => {
      const { path } = await this.#client.pickFolder({ title: reference ? 'Add a reference folder' : 'Add a folder', purpose: 'folder-to-add' });
      if (path) this.roots = await this.#client.addRoot({ path, reference });
    });
  }

  async removeRoot(path: string): Promise<void> {
    await this.#attempt(async () => {
      this.roots = await this.#client.removeRoot({ path });
    });
  }

  async startScan(): Promise<void> {
    if (this.scan.active) return;
    this.scan.starting();
    try {
      const { jobId } = await this.#client.startScan();
      this.scan.started(jobId);
    } catch (err) {
      this.scan.failedToStart(messageOf(err));
    }
  }

  async pause(): Promise<void> {
    const id = this.scan.id;
    if (id === null || this.scan.status !== 'running') return;
    await this.#attempt(async () => {
      if ((await this.#client.pauseJob({ jobId: id })).ok) this.scan.setPaused(true);
    });
  }

  async resume(): Promise<void> {
    const id = this.scan.id;
    if (id === null || this.scan.status !== 'paused') return;
    await this.#attempt(async () => {
      if ((await this.#client.resumeJob({ jobId: id })).ok) this.scan.setPaused(false);
    });
  }

  async cancel(): Promise<void> {
    const id = this.scan.id;
    if (id === null || !this.scan.active) return;
    await this.#attempt(async () => {
      await this.#client.cancelJob({ jobId: id });
    });
  }

  async #attempt(work: () => Promise<void>): Promise<void> {
    this.error = null;
    try {
      await work();
    } catch (err) {
      this.error = messageOf(err);
    }
  }
}
