// Settings and models: what the engine runs, and the first-run model download.
import type { ModelInfo, Settings, Status } from '../../../electron/shared/contract.js';
import type { Client } from '../lib/api.js';
import { messageOf } from './compare.svelte.js';
import { JobState } from './job.svelte.js';

type SettingsClient = Pick<
  Client,
  'getStatus' | 'getSettings' | 'setSettings' | 'listModels' | 'downloadModel' | 'importModel' | 'useModel' | 'cancelJob'
>;

export class SettingsState {
  status = $state.raw<Status | null>(null);
  settings = $state.raw<Settings | null>(null);
  models = $state.raw<ModelInfo[]>([]);
  error = $state<string | null>(null);
  saving = $state(false);
  readonly download = new JobState('downloadModel');
  downloadingId = $state<string | null>(null);
  readonly #client: SettingsClient;

  readonly needsModel = $derived(this.status !== null && !this.status.modelInstalled);

  constructor(client: SettingsClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    await this.#attempt(async () => {
      [this.status, this.settings, this.models] = await Promise.all([
        this.#client.getStatus(),
        this.#client.getSettings(),
        this.#client.listModels(),
      ]);
    });
  }

  async update(patch: Partial<Settings>): Promise<void> {
    this.saving = true;
    await this.#attempt(async () => {
      this.settings = await this.#client.setSettings(patch);
    });
    this.saving = false;
  }

  async downloadModel(id: string): Promise<void> {
    if (this.download.active) return;
    this.downloadingId = id;
    this.download.starting();
    try {
      this.download.started((await this.#client.downloadModel({ id })).jobId);
    } catch (err) {
      this.download.failedToStart(messageOf(err));
    }
  }

  async cancelDownload(): Promise<void> {
    if (this.download.id !== null && this.download.active) await this.#client.cancelJob({ jobId: this.download.id });
  }

  async importModel(path: string): Promise<void> {
    await this.#attempt(async () => {
      await this.#client.importModel({ path });
      this.models = await this.#client.listModels();
    });
  }

  async useModel(id: string): Promise<void> {
    await this.#attempt(async () => {
      this.status = await this.#client.useModel({ id });
      this.models = await this.#client.listModels();
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
