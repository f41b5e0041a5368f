// Which weights produced an embedding, for the catalog: a managed folder answers from its manifest (hashes taken
// while downloading or importing); any other folder is hashed once per process and file version.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseProcessorConfig } from '../preprocess/processorConfig.js';
import { modelDtypes } from '../../shared/values.js';
import { LookalikeError } from '../errors.js';
import type { ModelDtype, ModelProvenance, ProcessorConfig } from '../types.js';
import { sha256File } from './integrity.js';
import { checkManifestFiles, manifestDtypes, readManifest, type ModelManifest } from './manifest.js';
import { ONNX_FILE_CANDIDATES, pickDefaultDtype } from './registry.js';

export interface ProvenanceOptions {
  /** The engine's preprocessing version (see engine.ts). */
  preprocessVersion: number;
  /** The dtype the session loaded; default: fp32 when present, else the only/first one. */
  dtype?: ModelDtype;
  /** The processor the engine parsed; when absent the folder's preprocessor_config.json is read and parsed. */
  processor?: ProcessorConfig;
}

/** JSON with object keys sorted at every level, so equal configs always serialise to the same bytes. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical JSON of a parsed processor config (see ModelProvenance.processorSha256). */
export function processorSha256(processor: ProcessorConfig): string {
  return createHash('sha256').update(canonicalJson(processor)).digest('hex');
}

async function folderProcessorSha256(dir: string, given?: ProcessorConfig): Promise<string> {
  if (given) return processorSha256(given);
  const file = path.join(dir, 'preprocessor_config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new LookalikeError('invalid-request', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return processorSha256(parseProcessorConfig(json));
}

const hashCache = new Map<string, string>();

export async function readModelProvenance(modelDir: string, opts: ProvenanceOptions): Promise<ModelProvenance> {
  const dir = path.resolve(modelDir);
  const manifest = await readManifest(dir);
  if (manifest) {
    const problems = await checkManifestFiles(dir, manifest);
    if (problems.length) throw new LookalikeError('invalid-request', `model folder ${dir} is damaged: ${problems.join('; ')}`);
    const dtype = opts.dtype ?? pickDefaultDtype(manifestDtypes(manifest));
    const rel = manifest.dtypes[dtype];
    const entry = rel ? manifest.files[rel] : undefined;
    if (!rel || !entry) throw new LookalikeError('invalid-request', `${manifest.id} has no ${dtype} file installed in ${dir}`);
    await verifyAgainstManifest(dir, manifest, rel);
    return {
      id: manifest.id,
      revision: manifest.revision,
      dtype,
      fileSha256: entry.sha256,
      preprocessVersion: opts.preprocessVersion,
      processorSha256: await folderProcessorSha256(dir, opts.processor),
    };
  }
  return unmanagedProvenance(dir, opts);
}

/** sha256 of a file, once per process and file version (size, mtime and inode: a file replaced in place is hashed again). */
async function cachedSha256(file: string): Promise<string> {
  const info = await stat(file);
  const key = `${file}\0${info.size}\0${info.mtimeMs}\0${info.ino}`;
  let sha = hashCache.get(key);
  if (!sha) {
    sha = await sha256File(file);
    hashCache.set(key, sha);
  }
  return sha;
}

/**
 * Load-time check of a managed folder: the ONNX file about to be loaded and the config files hash to what the
 * manifest pinned when they were installed. Sizes alone (checkManifestFiles) miss a file edited in place.
 */
async function verifyAgainstManifest(dir: string, manifest: ModelManifest, onnxRel: string): Promise<void> {
  const onnxFiles = new Set(Object.values(manifest.dtypes));
  for (const [rel, entry] of Object.entries(manifest.files)) {
    if (onnxFiles.has(rel) && rel !== onnxRel) continue;
    const actual = await cachedSha256(path.join(dir, rel));
    if (actual !== entry.sha256) {
      throw new LookalikeError(
        'invalid-request',
        `model folder ${dir} is damaged: ${rel} has sha256 ${actual}, but its manifest pins ${entry.sha256}; ` +
          `it changed after it was installed. Remove the model (\`lookalike models remove ${manifest.id}\`) and download or import it again`,
      );
    }
  }
}

async function unmanagedProvenance(dir: string, opts: ProvenanceOptions): Promise<ModelProvenance> {
  const available: { dtype: ModelDtype; file: string }[] = [];
  for (const dtype of modelDtypes) {
    for (const rel of ONNX_FILE_CANDIDATES[dtype]) {
      const file = path.join(dir, rel);
      if (await stat(file).then((s) => s.isFile(), () => false)) {
        available.push({ dtype, file });
        break;
      }
    }
  }
  const dtype = opts.dtype ?? pickDefaultDtype(available.map((a) => a.dtype));
  const onnx = available.find((a) => a.dtype === dtype);
  if (!onnx) {
    throw new LookalikeError('invalid-request', `no ${dtype} ONNX file (${ONNX_FILE_CANDIDATES[dtype].join(' or ')}) in ${dir}`);
  }
  const sha = await cachedSha256(onnx.file);
  return {
    id: await folderModelId(dir),
    revision: null,
    dtype,
    fileSha256: sha,
    preprocessVersion: opts.preprocessVersion,
    processorSha256: await folderProcessorSha256(dir, opts.processor),
  };
}

/** `_name_or_path` from config.json (what transformers records), else the folder's name. */
async function folderModelId(dir: string): Promise<string> {
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const name = config['_name_or_path'];
    if (typeof name === 'string' && name.trim() && !path.isAbsolute(name)) return name.trim();
  } catch {
    // no or unreadable config: the folder name still identifies it
  }
  return path.basename(dir);
}
