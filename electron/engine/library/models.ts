// The model manager as the library offers it: the registry's models (installed or not) plus imported ones,
// download as a job with byte progress, import, and choosing the model in use.
import { LookalikeError } from '../errors.js';
import { downloadModel } from '../models/download.js';
import { loadRegistry, registryFileFor } from '../models/registry.js';
import { listInstalled, readSelected, selectModel, type SelectedModel } from '../models/selection.js';
import type { ModelDtype } from '../types.js';
import type { JobControl } from './jobs.js';
import { importedPrecisions, registryPrecisions } from './modelPrecisions.js';
import type { ModelInfo } from './types.js';

type Installed = Awaited<ReturnType<typeof listInstalled>>[number];
type RegistryModel = Awaited<ReturnType<typeof loadRegistry>>['models'][number];

/** What a download is for: one precision (default: the registry's pick), made the one in use when `use`. */
export interface DownloadChoice {
  dtype?: ModelDtype | undefined;
  use?: boolean | undefined;
}

const fromRegistry = (m: RegistryModel, sound: readonly Installed[], selected: SelectedModel | null): ModelInfo => {
  const copies = sound.filter((i) => i.id === m.id);
  return {
    id: m.id,
    label: m.aliases[0] ? `${m.id} (${m.aliases[0]})` : m.id,
    description: m.description,
    source: 'registry',
    installed: copies.length > 0,
    selected: selected?.id === m.id,
    bytes: m.files.q8?.approxBytes ?? m.files.fp32?.approxBytes ?? null,
    precisions: registryPrecisions(m, copies.flatMap((c) => c.dtypes)),
    dtype: selected?.id === m.id ? selected.dtype : null,
  };
};

const fromImport = (i: Installed, selected: SelectedModel | null): ModelInfo => ({
  id: i.id,
  label: i.id,
  description: `Imported model (${i.dtypes.join(', ')})`,
  source: 'imported',
  installed: true,
  selected: selected?.id === i.id,
  bytes: null,
  precisions: importedPrecisions(i.dtypes),
  dtype: selected?.id === i.id ? selected.dtype : null,
});

export class ModelManager {
  constructor(
    private readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async list(): Promise<ModelInfo[]> {
    const [registry, installed, selected] = await Promise.all([this.#registry(), listInstalled(this.dataDir), readSelected(this.dataDir)]);
    const sound = installed.filter((m) => m.problems.length === 0 && m.dtypes.length > 0);
    const imported = sound.filter((i) => !registry.models.some((m) => m.id === i.id));
    return [...registry.models.map((m) => fromRegistry(m, sound, selected)), ...imported.map((i) => fromImport(i, selected))];
  }

  async download(id: string, { signal, onProgress }: JobControl, choice: DownloadChoice = {}): Promise<ModelInfo> {
    const result = await downloadModel(
      { dataDir: this.dataDir, model: id, env: this.env, registry: await this.#registry(), ...(choice.dtype ? { dtype: choice.dtype } : {}) },
      {
        signal,
        onProgress: (p) =>
          onProgress({
            done: 0,
            total: 1,
            failed: 0,
            rate: p.rate,
            etaSeconds: p.etaSeconds,
            current: p.file,
            phase: 'downloading',
            bytesDone: p.bytes,
            ...(p.totalBytes === null ? {} : { bytesTotal: p.totalBytes }),
          }),
      },
    );
    // A first download becomes the model in use, and so does one the user chose as the precision to use; other
    // downloads leave the user's choice alone.
    if (choice.use || (await readSelected(this.dataDir)) === null) await selectModel(this.dataDir, result.id, result.dtype);
    return this.find(result.id);
  }

  async import(sourceDir: string, name: string | undefined): Promise<ModelInfo> {
    // Import smoke-tests the model in onnxruntime: loaded only here, so opening a library never loads it.
    const { importModel } = await import('../models/importModel.js');
    const result = await importModel({ dataDir: this.dataDir, sourceDir, ...(name ? { name } : {}) });
    return this.find(result.id);
  }

  /** Makes an installed model the one in use: in this precision, else its installed default (q8 first). */
  async select(id: string, dtype?: ModelDtype): Promise<SelectedModel> {
    return selectModel(this.dataDir, id, dtype);
  }

  #registry(): ReturnType<typeof loadRegistry> {
    return loadRegistry(registryFileFor(this.env));
  }

  private async find(id: string): Promise<ModelInfo> {
    const info = (await this.list()).find((m) => m.id === id);
    if (!info) throw new LookalikeError('not-found', `model ${id} is not in the registry or installed`);
    return info;
  }
}
