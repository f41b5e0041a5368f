// The model manager as the library offers it: the registry's models (installed or not) plus imported ones,
// download as a job with byte progress, import, and choosing the model in use.
import { LookalikeError } from '../errors.js';
import { downloadModel } from '../models/download.js';
import { loadRegistry } from '../models/registry.js';
import { listInstalled, readSelected, selectModel } from '../models/selection.js';
import type { JobControl } from './jobs.js';
import type { ModelInfo } from './types.js';

type Installed = Awaited<ReturnType<typeof listInstalled>>[number];
type RegistryModel = Awaited<ReturnType<typeof loadRegistry>>['models'][number];

const fromRegistry = (m: RegistryModel, sound: readonly Installed[], selectedId: string | undefined): ModelInfo => ({
  id: m.id,
  label: m.aliases[0] ? `${m.id} (${m.aliases[0]})` : m.id,
  description: m.description,
  source: 'registry',
  installed: sound.some((i) => i.id === m.id),
  selected: selectedId === m.id,
  bytes: m.files.q8?.approxBytes ?? m.files.fp32?.approxBytes ?? null,
});

const fromImport = (i: Installed, selectedId: string | undefined): ModelInfo => ({
  id: i.id,
  label: i.id,
  description: `Imported model (${i.dtypes.join(', ')})`,
  source: 'imported',
  installed: true,
  selected: selectedId === i.id,
  bytes: null,
});

export class ModelManager {
  constructor(
    private readonly dataDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async list(): Promise<ModelInfo[]> {
    const [registry, installed, selected] = await Promise.all([loadRegistry(), listInstalled(this.dataDir), readSelected(this.dataDir)]);
    const sound = installed.filter((m) => m.problems.length === 0 && m.dtypes.length > 0);
    const imported = sound.filter((i) => !registry.models.some((m) => m.id === i.id));
    return [...registry.models.map((m) => fromRegistry(m, sound, selected?.id)), ...imported.map((i) => fromImport(i, selected?.id))];
  }

  async download(id: string, { signal, onProgress }: JobControl): Promise<ModelInfo> {
    const result = await downloadModel(
      { dataDir: this.dataDir, model: id, env: this.env },
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
    // A first download becomes the model in use; later ones leave the user's choice alone.
    if ((await readSelected(this.dataDir)) === null) await selectModel(this.dataDir, result.id, result.dtype);
    return this.find(result.id);
  }

  async import(sourceDir: string, name: string | undefined): Promise<ModelInfo> {
    // Import smoke-tests the model in onnxruntime: loaded only here, so opening a library never loads it.
    const { importModel } = await import('../models/importModel.js');
    const result = await importModel({ dataDir: this.dataDir, sourceDir, ...(name ? { name } : {}) });
    return this.find(result.id);
  }

  async select(id: string): Promise<void> {
    await selectModel(this.dataDir, id);
  }

  private async find(id: string): Promise<ModelInfo> {
    const info = (await this.list()).find((m) => m.id === id);
    if (!info) throw new LookalikeError('not-found', `model ${id} is not in the registry or installed`);
    return info;
  }
}
