// First-run download of a registry model into the user's data folder: config files plus one ONNX file per dtype,
// each verified, then the manifest written last. A job of the usual shape `(params, { signal, onProgress })`.
import path from 'node:path';
import { isLookalikeError, LookalikeError } from '../errors.js';
import type { JobOptions, ModelDtype } from '../types.js';
import { hubEndpoint, resolveUrl } from './endpoint.js';
import { downloadFile, type DownloadProgress } from './httpFile.js';
import { checkManifestFiles, manifestDtypes, readManifest, writeManifest, type ModelManifest } from './manifest.js';
import { hubModelDir } from './paths.js';
import {
  findModel,
  loadRegistry,
  pinnedDtypes,
  recommendedDtype,
  registryFile,
  type Registry,
  type RegistryFile,
  type RegistryModel,
} from './registry.js';
import { readSelected, writeSelected } from './selection.js';

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
  /**
   * `--trust-server-hash`: install a file the registry pins no sha256 for, checked only against the hub's own
   * X-Linked-Etag. Off by default (such a file is refused); when used, the manifest records it per file.
   */
  trustServerHash?: boolean;
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

export function isOfflineEnv(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'on', 'yes', 'true'].includes((env['HF_HUB_OFFLINE'] ?? '').trim().toLowerCase());
}

const FULL_COMMIT = /^[0-9a-f]{40}$/;

/** What one download is about: the registry entry, the dtype's file in it, and the folder it installs into. */
interface DownloadTarget {
  model: RegistryModel;
  dtype: ModelDtype;
  onnx: RegistryFile;
  dir: string;
}

export async function downloadModel(
  params: DownloadModelParams,
  { signal, onProgress }: JobOptions<DownloadProgress> = {},
): Promise<DownloadModelResult> {
  const env = params.env ?? process.env;
  const target = await downloadTarget(params);
  const existing = await readExistingManifest(target.dir);
  const installed = existing?.dtypes[target.dtype] !== undefined && (await checkManifestFiles(target.dir, existing)).length === 0;
  if (installed && !params.force) {
    await selectIfNone(params.dataDir, target.model.id, target.dtype);
    return resultOf(target, false, existing?.revision ?? null, 0);
  }
  if (params.offline ?? isOfflineEnv(env)) throw offlineError(target, existing, params.model);
  if (!target.onnx.sha256 && !params.trustServerHash) throw unpinnedError(target, params.model);

  const fetched = await fetchModelFiles(target, hubEndpoint(env), params, { signal, onProgress });
  // Keep other dtypes already installed from the same commit; anything else in the folder is not referenced.
  const keep = existing && existing.revision === fetched.commit ? existing : null;
  await writeManifest(target.dir, manifestOf(target, fetched, keep));
  await selectIfNone(params.dataDir, target.model.id, target.dtype);
  return resultOf(target, true, fetched.commit, fetched.bytesFetched);
}

async function downloadTarget(params: DownloadModelParams): Promise<DownloadTarget> {
  const registry = params.registry ?? (await loadRegistry());
  const model = findModel(registry, params.model);
  const dtype = params.dtype ?? defaultDtype(model);
  return { model, dtype, onnx: registryFile(model, dtype), dir: hubModelDir(params.dataDir, model.repo, model.revision) };
}

/** q8 (small and fast on CPU) when the registry pins it, else the first dtype it does pin, so a plain download can be checked. */
function defaultDtype(model: RegistryModel): ModelDtype {
  const recommended = recommendedDtype('cpu');
  const pinned = pinnedDtypes(model);
  return pinned.includes(recommended) ? recommended : (pinned[0] ?? recommended);
}

/** Fail closed: a file whose content nothing we hold can vouch for is not installed unless the user says so. */
function unpinnedError(target: DownloadTarget, asked: string): LookalikeError {
  const { model, dtype, onnx } = target;
  const pinned = pinnedDtypes(model);
  return new LookalikeError(
    'forbidden',
    `refused: the model registry (resources/models.json) lacks a pinned sha256 for ${model.id} ${onnx.path} (${dtype}), ` +
      'so the download could not be checked against anything but the server\'s own hash. ' +
      (pinned.length ? `Pinned dtypes of this model: ${pinned.join(', ')}. ` : '') +
      `To accept the server's hash anyway, run \`lookalike models download ${asked} --dtype ${dtype} --trust-server-hash\` (the model's manifest records it).`,
  );
}

/** The folder's manifest; null when there is none or it is damaged (the download rewrites it). */
async function readExistingManifest(dir: string): Promise<ModelManifest | null> {
  return readManifest(dir).catch((err: unknown) => {
    if (isLookalikeError(err, 'invalid-request')) return null;
    throw err;
  });
}

function resultOf(target: DownloadTarget, downloaded: boolean, revision: string | null, bytesFetched: number): DownloadModelResult {
  const { model, dir, dtype, onnx } = target;
  return { id: model.id, dir, dtype, revision, onnxFile: path.join(dir, onnx.path), downloaded, bytesFetched };
}

function offlineError(target: DownloadTarget, existing: ModelManifest | null, asked: string): LookalikeError {
  const { model, dtype, dir } = target;
  const have = existing ? manifestDtypes(existing) : [];
  return new LookalikeError(
    'unavailable',
    `offline: ${model.id} (${dtype}) is not installed in ${dir}` +
      (have.length ? ` (installed dtypes: ${have.join(', ')})` : '') +
      `. Go online and run \`lookalike models download ${asked} --dtype ${dtype}\`, or import a folder with \`lookalike models import DIR\`.`,
  );
}

interface FetchedFiles {
  files: ModelManifest['files'];
  /** The commit the hub served, or the registry's pinned one. */
  commit: string | null;
  bytesFetched: number;
}

async function fetchModelFiles(
  target: DownloadTarget,
  endpoint: string,
  params: DownloadModelParams,
  opts: JobOptions<DownloadProgress>,
): Promise<FetchedFiles> {
  const { model, onnx, dir } = target;
  // Pin every file to the commit the first answer names, so a branch that moves mid-download cannot mix versions.
  let revisionForUrls = model.revision;
  let commit: string | null = FULL_COMMIT.test(model.revision) ? model.revision : null;
  const files: ModelManifest['files'] = {};
  let bytesFetched = 0;
  for (const rel of [...model.configFiles, onnx.path]) {
    opts.signal?.throwIfAborted();
    const got = await downloadFile(
      {
        url: resolveUrl(endpoint, model.repo, revisionForUrls, rel),
        dest: path.join(dir, ...rel.split('/')),
        label: rel,
        registrySha256: rel === onnx.path ? onnx.sha256 : null,
        registryBytes: rel === onnx.path ? onnx.bytes : null,
        retries: params.retries,
        retryDelayMs: params.retryDelayMs,
      },
      opts,
    );
    files[rel] = { size: got.size, sha256: got.sha256, verifiedBy: rel !== onnx.path ? 'git-blob' : onnx.sha256 ? 'registry-pin' : 'server-hash-trusted' };
    bytesFetched += got.size;
    if (got.meta.commit && !commit) {
      commit = got.meta.commit;
      revisionForUrls = got.meta.commit;
    }
  }
  return { files, commit, bytesFetched };
}

function manifestOf(target: DownloadTarget, fetched: FetchedFiles, keep: ModelManifest | null): ModelManifest {
  const { model, dtype, onnx } = target;
  return {
    schema: 1,
    id: model.id,
    source: 'hub',
    repo: model.repo,
    requestedRevision: model.revision,
    revision: fetched.commit,
    importedFrom: null,
    files: { ...(keep?.files ?? {}), ...fetched.files },
    dtypes: { ...(keep?.dtypes ?? {}), [dtype]: onnx.path },
    output: model.output,
    updatedAt: new Date().toISOString(),
  };
}

/** The first model a user installs becomes the one in use. */
async function selectIfNone(dataDir: string, id: string, dtype: ModelDtype): Promise<void> {
  if ((await readSelected(dataDir)) === null) await writeSelected(dataDir, { id, dtype });
}
