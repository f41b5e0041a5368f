// Every value list of the product, defined once and dependency-free: the engine's types derive from these, the
// contract's schemas validate against them, and the renderer imports them as values (this file is the one module
// of the app the engine may import, because it imports nothing itself). Add a value here and every layer sees it.

/** What the user asks for. `auto` tries this platform's GPU providers, then the CPU. */
export const deviceChoices = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'] as const;
export type DeviceChoice = (typeof deviceChoices)[number];
/** The execution provider a session actually runs on. */
export type ResolvedDevice = Exclude<DeviceChoice, 'auto'>;

/** transformers.js' dtype names (their files in `onnx/`: model.onnx, model_fp16.onnx, model_quantized.onnx). */
export const modelDtypes = ['fp32', 'fp16', 'q8'] as const;
export type ModelDtype = (typeof modelDtypes)[number];
/**
 * Each dtype as a user choosing one sees it. q8 is the fast choice on CPU: dynamic int8 measured 2.25-2.3x fp32
 * model-only and 2.2-3.1x end to end at 2 threads, pooled cosine >= 0.9994 (bench/q8.ts, issue 13); it trades a
 * little agreement with fp32 (a threshold calibrated on fp32 vectors may need a point) for speed and a 4x
 * smaller download. Its vectors have their own model key, so they never mix with fp32's.
 */
export const modelDtypeLabels: Readonly<Record<ModelDtype, string>> = {
  fp32: 'full precision',
  fp16: 'half precision, for GPUs',
  q8: '8-bit, 1.5–2.3x faster on CPU',
};
/** What a user trades by choosing each dtype, in plain words (the figures above; README "Models"). */
export const modelDtypeTradeoffs: Readonly<Record<ModelDtype, string>> = {
  fp32: 'The reference: vectors as the Hugging Face pipeline computes them.',
  fp16: 'Half the file size, meant for GPUs.',
  q8:
    '1.5–2.3× faster on CPU (2.3× the model alone with VNNI int8 instructions, 1.5× without) and a 4× smaller file; each photo’s similarity stays ' +
    'within 0.2% of full precision (cosine ≥ 0.998), and the duplicate threshold is recalibrated for it at its first scan.',
};
/** Said wherever the precision is chosen: a switch costs one re-embedding, never a mixed catalog. */
export const DTYPE_SWITCH_NOTE =
  'Switching precision embeds your photos once more at the next scan, because vectors of different precisions never mix.';
/**
 * How photos become pixel values: 'exact' is Pillow's full decode and resize, bit for bit; 'fast' decodes big
 * JPEGs at a DCT scale first (preprocess/shrinkOnLoad.ts). Part of the model key: the two never mix.
 */
export const preprocessModes = ['exact', 'fast'] as const;
export type PreprocessMode = (typeof preprocessModes)[number];

/**
 * The grouping tiers, strongest first: same bytes, same decoded pixels, the same perceptual fingerprint (within
 * the calibrated Hamming distance: re-encoded, resized, retouched), ≥ the threshold, the band below it.
 */
export const tiers = ['exact', 'same-pixels', 'near-identical', 'near-duplicate', 'similar'] as const;
export type Tier = (typeof tiers)[number];

/**
 * Why a member is in its group, for people: the tier, with the two same-pixels grounds told apart (equal decoded
 * pixels, or the same picture with a different EXIF orientation). Strongest first.
 */
export const matchReasons = ['identical bytes', 'same pixels', 'same pixels (EXIF-rotated copy)', 'near-identical', 'near-duplicate', 'similar'] as const;
export type MatchReason = (typeof matchReasons)[number];

/**
 * The keep-best rules in the default order: the first rule that tells two copies apart picks the keeper (a file in
 * a reference folder always wins first; the shortest path is the last resort).
 */
export const keepRules = ['resolution', 'fileSize', 'format', 'captureTime', 'folder', 'pathLength'] as const;
export type KeepRule = (typeof keepRules)[number];

/**
 * What resolve may do with a RAW+JPEG pair (a RAW and a JPEG of the same shot): by default keep both, never
 * proposing either for the trash; opt in to drop the JPEG when its RAW is kept, or the RAW when its JPEG is.
 */
export const rawJpegRules = ['keep-both', 'keep-raw', 'keep-jpeg'] as const;
export type RawJpegRule = (typeof rawJpegRules)[number];

export const resolveActions = ['trash', 'move'] as const;
export type ResolveAction = (typeof resolveActions)[number];

export const featureFormats = ['npy', 'safetensors', 'csv', 'jsonl'] as const;
export type FeatureFormat = (typeof featureFormats)[number];
export const featureDtypes = ['float32', 'float16'] as const;
export type FeatureDtype = (typeof featureDtypes)[number];
export const resultFormats = ['csv', 'json'] as const;
export type ResultFormat = (typeof resultFormats)[number];

/**
 * What a folder dialog is for. Main records the answer as a capability of that kind, and a path the renderer
 * sends back is accepted only where its kind fits (addRoot: a folder to add; a move: a move destination; …).
 */
export const folderPurposes = ['folder-to-add', 'move-destination', 'model-folder', 'export-source', 'prefer-folder'] as const;
export type FolderPurpose = (typeof folderPurposes)[number];

export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

/** Every long job the engine runs; each has the one job model below. */
export const jobKinds = ['scan', 'exportFeatures', 'downloadModel', 'calibrate'] as const;
export type JobKind = (typeof jobKinds)[number];
/** The one job state model: queued → running ⇄ paused → done | failed | cancelled. */
export const jobStates = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof jobStates)[number];

/**
 * File extensions the crawler considers (content decides after that: the scanner sniffs the first bytes, so a
 * text file named .jpg or an SVG never reaches a decoder). SVG is absent on purpose: rendering it could fetch URLs
 * or read local files. MPO (stereo cameras, some phones) is a JPEG with more frames after it: its first is read.
 */
export const photoExtensions = ['.jpg', '.jpeg', '.jpe', '.mpo', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.bmp', '.heic', '.heif',
  // Camera RAW, read through the preview JPEG each embeds (engine/preprocess/rawPreview.ts).
  '.dng', '.cr2', '.cr3', '.nef', '.arw', '.raf', '.orf', '.rw2'] as const;

/** The near-duplicate threshold a first run uses, on the 0–100 scale (see engine/similarity/threshold.ts). */
export const DEFAULT_THRESHOLD = 93;

/** Exit codes of the `lookalike` CLI. `internal` is a bug: the message asks for a report. */
export const exitCodes = { ok: 0, someFailed: 1, usage: 2, internal: 70 } as const;

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * 1536 → "1.5 KB". Binary multiples (1024), as Windows Explorer, GNOME Files and `du -h` count, so a size the app
 * shows matches what the user's file manager shows on those systems; one rule for the CLI, the app and reasons.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

/**
 * What went wrong, as a code both front ends map once: the CLI to an exit code, the app to an API error.
 * `internal` is a bug (an error nobody threw on purpose).
 */
export const errorCodes = ['invalid-request', 'forbidden', 'not-found', 'no-model', 'unavailable', 'conflict', 'cancelled', 'failed', 'internal'] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** The thumbnail protocol: `lookalike-media://thumb/<encodeURIComponent(absolute path)>?size=256`. */
export const MEDIA_SCHEME = 'lookalike-media';
export const THUMB_SIZES = [128, 256, 512] as const;
export type ThumbSize = (typeof THUMB_SIZES)[number];

/** The thumbnail URL of an absolute path (the engine builds these; the renderer may too, for dropped files). */
export const thumbUrl = (path: string, size: ThumbSize = 256): string => `${MEDIA_SCHEME}://thumb/${encodeURIComponent(path)}?size=${size}`;
