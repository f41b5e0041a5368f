// Which installed model is in use (`<dataDir>/models/selected.json`), what is installed, and where the engine
// should load from. LOOKALIKE_MODEL (a folder) wins over everything, for scripts and tests.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { modelDtypes } from '../../shared/values.js';
import { isLookalikeError, LookalikeError } from '../errors.js';
import type { ModelDtype } from '../types.js';
import { checkManifestFiles, manifestDtypes, readManifest, writeJsonAtomic, type ModelManifest } from './manifest.js';
import { isInside, MANIFEST_FILE, modelsRoot, selectedFile } from './paths.js';
import { findModel, type Registry } from './registry.js';

export interface SelectedModel {
  id: string;
  dtype: ModelDtype;
}

export interface InstalledModel {
  id: string;
  dir: string;
  dtypes: ModelDtype[];
  revision: string | null;
  source: ModelManifest['source'];
  /** Problems found by the cheap size check; empty when sound. */
  problems: string[];
}

export interface ResolvedModel {
  dir: string;
  /** Null for a LOOKALIKE_MODEL folder: the engine picks its default. */
  dtype: ModelDtype | null;
  id: string | null;
  revision: string | null;
  source: 'env' | 'selected' | 'installed';
}

/** Nothing usable is installed (or the asked-for model is not): code `no-model`, which front ends offer to fix. */
const noModel = (message: string): LookalikeError => new LookalikeError('no-model', message);

export const NO_MODEL_MESSAGE = 'No model installed. Run `lookalike models download default` or pass --model DIR';

const selectedSchema = z.object({ id: z.string().min(1), dtype: z.enum(modelDtypes) });

/** The selection, or null when there is none or it is unreadable (treated as "nothing chosen", never a crash). */
export async function readSelected(dataDir: string): Promise<SelectedModel | null> {
  try {
    const parsed = selectedSchema.safeParse(JSON.parse(await readFile(selectedFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeSelected(dataDir: string, selected: SelectedModel): Promise<void> {
  await writeJsonAtomic(selectedFile(dataDir), selectedSchema.parse(selected));
}

/** Every folder under `<dataDir>/models` holding a manifest (hub: owner/name/revision, imports: imported/name). */
export async function listInstalled(dataDir: string): Promise<InstalledModel[]> {
  const found: InstalledModel[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === MANIFEST_FILE)) {
      const installed = await describeInstalled(dir);
      if (installed) found.push(installed);
      return;
    }
    if (depth === 0) return;
    for (const e of entries) {
      // Dot-folders are staging areas of imports in progress.
      if (e.isDirectory() && !e.name.startsWith('.')) await walk(path.join(dir, e.name), depth - 1);
    }
  };
  await walk(modelsRoot(dataDir), 3);
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

async function describeInstalled(dir: string): Promise<InstalledModel | null> {
  let manifest: ModelManifest | null;
  try {
    manifest = await readManifest(dir);
  } catch (err) {
    if (!isLookalikeError(err, 'invalid-request')) throw err;
    return { id: path.basename(dir), dir, dtypes: [], revision: null, source: 'hub', problems: [err.message] };
  }
  if (!manifest) return null;
  return {
    id: manifest.id,
    dir,
    dtypes: manifestDtypes(manifest),
    revision: manifest.revision,
    source: manifest.source,
    problems: await checkManifestFiles(dir, manifest),
  };
}

/** Installed copies matching an id, a registry alias, or an imported folder's name. */
export async function findInstalled(dataDir: string, idOrAlias: string, registry?: Registry): Promise<InstalledModel[]> {
  const wanted = new Set([idOrAlias.toLowerCase(), `imported/${idOrAlias.toLowerCase()}`]);
  if (registry) {
    try {
      wanted.add(findModel(registry, idOrAlias).id.toLowerCase());
    } catch {
      // not a registry name: an imported model, or nothing
    }
  }
  return (await listInstalled(dataDir)).filter((m) => wanted.has(m.id.toLowerCase()));
}

/** `models use`: makes an installed model (and dtype) the one in use. */
export async function selectModel(
  dataDir: string,
  idOrAlias: string,
  dtype?: ModelDtype,
  registry?: Registry,
): Promise<SelectedModel> {
  const candidates = (await findInstalled(dataDir, idOrAlias, registry)).filter((m) => m.problems.length === 0);
  const match = candidates.find((m) => (dtype ? m.dtypes.includes(dtype) : m.dtypes.length > 0));
  if (!match) {
    const have = candidates.flatMap((m) => m.dtypes);
    throw noModel(
      `${idOrAlias}${dtype ? ` (${dtype})` : ''} is not installed` +
        (have.length ? `; installed dtypes: ${have.join(', ')}` : `; run \`lookalike models download ${idOrAlias}\``),
    );
  }
  const chosen: SelectedModel = { id: match.id, dtype: dtype ?? preferredDtype(match.dtypes) };
  await writeSelected(dataDir, chosen);
  return chosen;
}

/** `models remove`: deletes every installed copy of the model and clears the selection if it pointed there. */
export async function removeModel(dataDir: string, idOrAlias: string, registry?: Registry): Promise<string[]> {
  const matches = await findInstalled(dataDir, idOrAlias, registry);
  if (matches.length === 0) throw noModel(`${idOrAlias} is not installed`);
  const root = modelsRoot(dataDir);
  for (const m of matches) {
    if (!isInside(root, m.dir) || path.resolve(m.dir) === root) throw new LookalikeError('forbidden', `refusing to delete ${m.dir}`);
    await rm(m.dir, { recursive: true, force: true });
  }
  const selected = await readSelected(dataDir);
  if (selected && matches.some((m) => m.id === selected.id)) await rm(selectedFile(dataDir), { force: true });
  return matches.map((m) => m.dir);
}

/** The model the engine should load: LOOKALIKE_MODEL, else the selection, else the only/default installed one. */
export async function resolveSelectedModel(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  defaultId?: string,
): Promise<ResolvedModel> {
  const fromEnv = env['LOOKALIKE_MODEL']?.trim();
  if (fromEnv) {
    const dir = path.resolve(fromEnv);
    const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw noModel(`LOOKALIKE_MODEL points to ${dir}, which is not a folder`);
    const manifest = await readManifest(dir).catch(() => null);
    return { dir, dtype: null, id: manifest?.id ?? null, revision: manifest?.revision ?? null, source: 'env' };
  }
  const installed = (await listInstalled(dataDir)).filter((m) => m.problems.length === 0 && m.dtypes.length > 0);
  const selected = await readSelected(dataDir);
  if (selected) {
    const match = installed.find((m) => m.id === selected.id && m.dtypes.includes(selected.dtype));
    if (match) return { dir: match.dir, dtype: selected.dtype, id: match.id, revision: match.revision, source: 'selected' };
    const broken = (await listInstalled(dataDir)).find((m) => m.id === selected.id);
    if (broken?.problems.length) {
      throw noModel(
        `the selected model ${selected.id} is incomplete or damaged (${broken.problems.join('; ')}). ` +
          `Run \`lookalike models download ${selected.id} --dtype ${selected.dtype}\` again.`,
      );
    }
  }
  const fallback = installed.find((m) => m.id === defaultId) ?? installed[0];
  if (!fallback) throw noModel(NO_MODEL_MESSAGE);
  const dtype = preferredDtype(fallback.dtypes);
  return { dir: fallback.dir, dtype, id: fallback.id, revision: fallback.revision, source: 'installed' };
}

/** The folder of the model in use; see resolveSelectedModel for the dtype and id. */
export async function resolveModelDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return (await resolveSelectedModel(dataDir, env)).dir;
}

function preferredDtype(dtypes: ModelDtype[]): ModelDtype {
  // q8 first: the fast choice on CPU, which is what a machine without a selection most likely runs.
  return (['q8', 'fp32', 'fp16'] as const).find((d) => dtypes.includes(d)) ?? 'fp32';
}
