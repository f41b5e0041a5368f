// The model manager as the app sees it: the registry's models (installed or not) plus imported ones, download as
// a job with byte progress, import, and switching the model in use (which reloads the engine).
import { downloadModel, importModel } from '../../engine/models/index.js';
import { loadRegistry } from '../../engine/models/registry.js';
import { listInstalled, readSelected, selectModel } from '../../engine/models/selection.js';
import type { ModelInfo } from '../../shared/contract.js';
import type { JobRunOptions } from './services.js';

export interface ModelServices {
  list(): Promise<ModelInfo[]>;
  download(id: string, opts: JobRunOptions): Promise<ModelInfo>;
  import(sourceDir: string, name: string | undefined): Promise<ModelInfo>;
  select(id: string): Promise<void>;
}

export function createModelServices(dataDir: string, env: NodeJS.ProcessEnv): ModelServices {
  async function list(): Promise<ModelInfo[]> {
    const [registry, installed, selected] = await Promise.all([loadRegistry(), listInstalled(dataDir), readSelected(dataDir)]);
    const sound = installed.filter((m) => m.problems.length === 0 && m.dtypes.length > 0);
    const fromRegistry: ModelInfo[] = registry.models.map((m) => ({
      id: m.id,
      label: m.aliases[0] ? `${m.id} (${m.aliases[0]})` : m.id,
      description: m.description,
      source: 'registry',
      installed: sound.some((i) => i.id === m.id),
      selected: selected?.id === m.id,
      bytes: m.files.q8?.approxBytes ?? m.files.fp32?.approxBytes ?? null,
    }));
    const imported: ModelInfo[] = sound
      .filter((i) => !registry.models.some((m) => m.id === i.id))
      .map((i) => ({
        id: i.id,
        label: i.id,
        description: `Imported model (${i.dtypes.join(', ')})`,
        source: 'imported',
        installed: true,
        selected: selected?.id === i.id,
        bytes: null,
      }));
    return [...fromRegistry, ...imported];
  }

  const find = async (id: string): Promise<ModelInfo> => {
    const info = (await list()).find((m) => m.id === id);
    if (!info) throw new Error(`model ${id} is not in the registry or installed`);
    return info;
  };

  return {
    list,
    async download(id, { signal, onProgress }) {
      const result = await downloadModel(
        { dataDir, model: id, env },
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
      if ((await readSelected(dataDir)) === null) await selectModel(dataDir, result.id, result.dtype);
      return find(result.id);
    },
    async import(sourceDir, name) {
      const result = await importModel({ dataDir, sourceDir, ...(name ? { name } : {}) });
      return find(result.id);
    },
    async select(id) {
      await selectModel(dataDir, id);
    },
  };
}
