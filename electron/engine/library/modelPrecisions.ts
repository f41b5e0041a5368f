// The precision choice of one model: which of its ONNX files (fp32, q8, fp16) are installed, which the registry
// can download (it pins their sha256), and why any other cannot be chosen. Settings shows this for the model in use.
import { ONNX_FILE_CANDIDATES, type RegistryModel } from '../models/registry.js';
import type { ModelDtype } from '../types.js';
import type { ModelPrecision } from './types.js';

/** fp32 and q8 are the choice offered; fp16 is listed only where the model has one. */
const ORDER: readonly ModelDtype[] = ['fp32', 'q8', 'fp16'];
const ALWAYS_LISTED = new Set<ModelDtype>(['fp32', 'q8']);

function registryPrecision(m: RegistryModel, dtype: ModelDtype, installed: boolean): ModelPrecision | null {
  if (installed) return { dtype, installed, downloadBytes: null, unavailable: null };
  const file = m.files[dtype];
  if (!file) return ALWAYS_LISTED.has(dtype) ? { dtype, installed, downloadBytes: null, unavailable: `${m.id} has no ${dtype} file` } : null;
  if (!file.sha256) {
    const unavailable =
      `the model registry pins no checksum for its ${file.path}, so it is not offered here ` +
      `(\`lookalike models download ${m.id} --dtype ${dtype} --trust-server-hash\` fetches it anyway)`;
    return { dtype, installed, downloadBytes: null, unavailable };
  }
  return { dtype, installed, downloadBytes: file.approxBytes, unavailable: null };
}

/** A registry model's precisions, given the dtypes of its sound installed copies. */
export function registryPrecisions(m: RegistryModel, installed: readonly ModelDtype[]): ModelPrecision[] {
  return ORDER.map((d) => registryPrecision(m, d, installed.includes(d))).filter((p): p is ModelPrecision => p !== null);
}

/** An imported folder's precisions: what it holds; nothing can be downloaded for it. */
export function importedPrecisions(installed: readonly ModelDtype[]): ModelPrecision[] {
  return ORDER.filter((d) => ALWAYS_LISTED.has(d) || installed.includes(d)).map((dtype) =>
    installed.includes(dtype)
      ? { dtype, installed: true, downloadBytes: null, unavailable: null }
      : {
          dtype,
          installed: false,
          downloadBytes: null,
          unavailable: `the imported folder has no ${ONNX_FILE_CANDIDATES[dtype].join(' or ')}; import a folder that has one`,
        },
  );
}
