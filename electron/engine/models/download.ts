// First-run download of a registry model into the user's data folder: config files plus one ONNX file per dtype,
// each verified, then the manifest written last. A job of the usual shape `(params, { signal, onProgress })`.
import { hubEndpoint, resolveUrl } from './endpoint.js';
import { downloadFile, type DownloadProgress } from './httpFile.js';
import { checkManifestFiles, ManifestError, manifestDtypes, readManifest, writeManifest, type ModelManifest } from './manifest.js';
import { hubModelDir } from './paths.js';
import { findModel, loadRegistry, recommendedDtype, registryFile, type Registry } from './registry.js';
import { readSelected, writeSelected } from './selection.js';
import path from 'node:path';
import type { JobOptions, ModelDtype } from '../types.js';

export interface DownloadModelParams {
  dataDir: string;
  /** Registry id or alias (`default`, `dinov2-small`, ...). */
  model: string;
  /** Default: q8, the smaller and faster choice on CPU. */
  dtype?: ModelDtype;
  /** Reads HF_ENDPOINT and HF_HUB_OFFLINE. */
  env?: NodeJS.ProcessEnv;
  /** Use only what is installed; overrides HF_HUB_OFFLINE. */
  offline?: boolean;
  /** Download again even when a verified copy is installed. */
  force?: boolean;
  registry?: Registry;
  /** Extra attempts per file after a dropped connection (each resumes). */
  retries?: number;
  retryDelayMs?: number;
}

export interface DownloadModelResult {
  id: string;
  dir: string;
  dtype: ModelDtype;
  /** The commit the files came from. */
  revision: string | null;
  onnxFile: string;
  /** False when a verified copy was already installed and nothing was fetched. */
  downloaded: boolean;
  bytesFetched: number;
}

export class OfflineError extends Error {
  override name = 'OfflineError';
}

export function isOfflineEnv(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'on', 'yes', 'true'].includes((env['HF_HUB_OFFLINE'] ?? '').trim().toLowerCase());
}

const FULL_COMMIT = /^[0-9a-f]{40}$/;

export async function downloadModel(
  params: DownloadModelParams,
  { signal, onProgress }: JobOptions<DownloadProgress> = {},
): Promise<DownloadModelResult> {
  const env = params.env ?? process.env;
  const registry = params.registry ?? (await loadRegistry());
  const model = findModel(registry, params.model);
  const dtype = params.dtype ?? recommendedDtype('cpu');
  const onnx = registryFile(model, dtype);
  const dir = hubModelDir(params.dataDir, model.repo, model.revision);

  const existing = await readManifest(dir).catch((err: unknown) => {
    if (err instanceof ManifestError) return null; // damaged: rewrite it below
    throw err;
  });
  const installed = existing?.dtypes[dtype] !== undefined && (await checkManifestFiles(dir, existing)).length === 0;
  const result = (downloaded: boolean, revision: string | null, bytesFetched: number): DownloadModelResult => ({
    id: model.id,
    dir,
    dtype,
    revision,
    onnxFile: path.join(dir, onnx.path),
    downloaded,
    bytesFetched,
  });
  if (installed && !params.force) {
    await selectIfNone(params.dataDir, model.id, dtype);
    return result(false, existing?.revision ?? null, 0);
  }
  if (params.offline ?? isOfflineEnv(env)) {
    const have = existing ? manifestDtypes(existing) : [];
    throw new OfflineError(
      `offline: ${model.id} (${dtype}) is not installed in ${dir}` +
        (have.length ? ` (installed dtypes: ${have.join(', ')})` : '') +
        `. Go online and run \`lookalike models download ${params.model} --dtype ${dtype}\`, or import a folder with \`lookalike models import DIR\`.`,
    );
  }

  const endpoint = hubEndpoint(env);
  // Pin every file to the commit the first answer names, so a branch that moves mid-download cannot mix versions.
  let revisionForUrls = model.revision;
  let commit: string | null = FULL_COMMIT.test(model.revision) ? model.revision : null;
  const files: ModelManifest['files'] = {};
  let bytesFetched = 0;
  for (const rel of [...model.configFiles, onnx.path]) {
    signal?.throwIfAborted();
    const got = await downloadFile(
      {
        url: resolveUrl(endpoint, model.repo, revisionForUrls, rel),
        dest: path.join(dir, ...rel.split('/')),
        label: rel,
        registrySha256: rel === onnx.path ? onnx.sha256 : null,
        retries: params.retries,
        retryDelayMs: params.retryDelayMs,
      },
      { signal, onProgress },
    );
    files[rel] = { size: got.size, sha256: got.sha256 };
    bytesFetched += got.size;
    if (got.meta.commit && !commit) {
      commit = got.meta.commit;
      revisionForUrls = got.meta.commit;
    }
  }

  // Keep other dtypes already installed from the same commit; anything else in the folder is not referenced.
  const keep = existing && existing.revision === commit ? existing : null;
  const manifest: ModelManifest = {
    schema: 1,
    id: model.id,
    source: 'hub',
    repo: model.repo,
    requestedRevision: model.revision,
    revision: commit,
    importedFrom: null,
    files: { ...(keep?.files ?? {}), ...files },
    dtypes: { ...(keep?.dtypes ?? {}), [dtype]: onnx.path },
    output: model.output,
    updatedAt: new Date().toISOString(),
  };
  await writeManifest(dir, manifest);
  await selectIfNone(params.dataDir, model.id, dtype);
  return result(true, commit, bytesFetched);
}

/** The first model a user installs becomes the one in use. */
async function selectIfNone(dataDir: string, id: string, dtype: ModelDtype): Promise<void> {
  if ((await readSelected(dataDir)) === null) await writeSelected(dataDir, { id, dtype });
}
