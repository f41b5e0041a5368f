// Settings and models: what the engine runs, the keep-best preferences, and the first-run model download.
import type { ModelDtype, ModelInfo, Settings, Status } from '../../../electron/shared/contract.js';
import type { Client } from '../lib/api.js';
import { messageOf } from '../lib/errors.js';
import { moveItem, removeAt } from '../lib/orderedList.js';
import { CalibrationState } from './calibration.svelte.js';
import { JobState } from './job.svelte.js';

type SettingsClient = Pick<
  Client,
  | 'getStatus' | 'getSettings' | 'setSettings' | 'listModels' | 'downloadModel' | 'importModel' | 'useModel' | 'cancelJob' | 'pickFolder'
  | 'getCalibration' | 'startCalibration'
>;

export class SettingsState {
  status = $state.raw<Status | null>(null);
  settings = $state.raw<Settings | null>(null);
  models = $state.raw<ModelInfo[]>([]);
  error = $state<string | null>(null);
  saving = $state(false);
  readonly download = new JobState('downloadModel');
  downloadingId = $state<string | null>(null);
  /** The model's calibration (Settings and Review show it). */
  readonly calibration: CalibrationState;
  readonly #client: SettingsClient;

  readonly needsModel = $derived(this.status !== null && !this.status.modelInstalled);
  /** The model the model manager selected (its precision choice is shown), or null. */
  readonly modelInUse = $derived<ModelInfo | null>(this.models.find((m) => m.selected) ?? null);
  /** The folders the `folder` keep rule prefers, earlier first (empty before settings load). */
  readonly preferFolders = $derived<readonly string[]>(this.settings?.preferFolders ?? []);

  constructor(client: SettingsClient) {
    this.#client = client;
    this.calibration = new CalibrationState(client);
  }

  async refresh(): Promise<void> {
    void this.calibration.refresh();
    await this.#attempt(async () => {
      [this.status, this.settings, this.models] = await Promise.all([
        this.#client.getStatus(),
        this.#client.getSettings(),
        this.#client.listModels(),
      ]);
    });
  }

  /** Saves a change; resolves true when the shell took it. */
  async update(patch: Partial<Settings>): Promise<boolean> {
    this.saving = true;
    const ok = await this.#attempt(async () => {
      this.settings = await this.#client.setSettings(patch);
    });
    this.saving = false;
    return ok;
  }

  /** A folder from main's dialog for one purpose; null when cancelled or refused (the error is shown). */
  async #pickFolder(title: string, purpose: 'prefer-folder' | 'move-destination'): Promise<string | null> {
    this.error = null;
    try {
      return (await this.#client.pickFolder({ title, purpose })).path;
    } catch (err) {
      this.error = messageOf(err);
      return null;
    }
  }

  /** Asks for a folder and appends it to the preferred folders (last = least preferred). */
  async addPreferFolder(): Promise<boolean> {
    const path = await this.#pickFolder('Add a preferred folder', 'prefer-folder');
    if (path === null) return false;
    if (this.preferFolders.includes(path)) {
      this.error = `${path} is already a preferred folder`;
      return false;
    }
    return this.update({ preferFolders: [...this.preferFolders, path] });
  }

  removePreferFolder(index: number): Promise<boolean> {
    return this.update({ preferFolders: removeAt(this.preferFolders, index) });
  }

  /** Moves a preferred folder up (delta -1: preferred sooner) or down. */
  movePreferFolder(index: number, delta: number): Promise<boolean> {
    return this.update({ preferFolders: moveItem(this.preferFolders, index, delta) });
  }

  /** Downloads a model (or, with `dtype`, that precision of it, made the one in use when it is there). */
  async downloadModel(id: string, dtype?: ModelDtype): Promise<void> {
    if (this.download.active) return;
    this.downloadingId = dtype ? `${id} (${dtype})` : id;
    this.download.starting();
    try {
      this.download.started((await this.#client.downloadModel(dtype ? { id, dtype, use: true } : { id })).jobId);
    } catch (err) {
      this.download.failedToStart(messageOf(err));
    }
  }

  async cancelDownload(): Promise<void> {
    if (this.download.id !== null && this.download.active) await this.#client.cancelJob({ jobId: this.download.id });
  }

  /** Asks for a model folder (config.json, onnx/model.onnx) and imports it (main imports only a folder its dialog returned). */
  async importModelFromFolder(): Promise<void> {
    await this.#attempt(async () => {
      const { path } = await this.#client.pickFolder({ title: 'Choose a model folder (config.json, onnx/model.onnx)', purpose: 'model-folder' });
      if (!path) return;
      await this.#client.importModel({ path });
      this.models = await this.#client.listModels();
    });
  }

  /** Asks where "move" puts duplicates from now on (Review's M then moves there without asking). */
  async chooseMoveDest(): Promise<boolean> {
    const path = await this.#pickFolder('Move duplicates to…', 'move-destination');
    return path === null ? false : this.update({ moveDest: path });
  }

  /** Back to asking for a folder at every move. */
  clearMoveDest(): Promise<boolean> {
    return this.update({ moveDest: null });
  }

  /** Makes an installed model (in this precision, else its default) the one in use; the engine reloads with it. */
  async useModel(id: string, dtype?: ModelDtype): Promise<void> {
    this.saving = true;
    await this.#attempt(async () => {
      this.status = await this.#client.useModel(dtype ? { id, dtype } : { id });
      this.models = await this.#client.listModels();
    });
    this.saving = false;
  }

  async #attempt(work: () => Promise<void>): Promise<boolean> {
    this.error = null;
    try {
      await work();
      return true;
    } catch (err) {
      this.error = messageOf(err);
      return false;
    }
  }
}
