// Types shared across the engine's modules and its front ends (CLI, Electron host).
// This file holds types only, so any layer may import it without pulling in code.

import type { ModelDtype, PreprocessMode } from '../shared/values.js';

// The device and dtype lists are defined once, with the product's other value lists, in shared/values.ts.
export type { DeviceChoice, ResolvedDevice, ModelDtype, PreprocessMode } from '../shared/values.js';

/** Where the pooled vector came from (HF raises for `cls`; we say so instead). */
export type PoolingSource = 'pooler_output' | 'image_embeds' | 'cls_token';

/** Pillow resample filter ids, as they appear in `preprocessor_config.json`. */
export const PillowResample = {
  NEAREST: 0,
  LANCZOS: 1,
  BILINEAR: 2,
  BICUBIC: 3,
  BOX: 4,
  HAMMING: 5,
} as const;
export type PillowResampleId = (typeof PillowResample)[keyof typeof PillowResample];

/** A processor config normalised from the HF JSON (ViTImageProcessor, CLIP/DINOv2 shortest-edge + crop). */
export interface ProcessorConfig {
  doConvertRgb: boolean;
  doResize: boolean;
  /** Exact output size, or resize so the shortest edge has this length (keeping aspect). */
  size: { height: number; width: number } | { shortestEdge: number };
  resample: PillowResampleId;
  doCenterCrop: boolean;
  cropSize: { height: number; width: number } | null;
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
}

/** A decoded image: 8-bit RGB, interleaved, EXIF orientation already applied. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Identifies exactly which weights and preprocessing produced an embedding. */
export interface ModelProvenance {
  /** Registry id or folder name, e.g. `Xenova/vit-base-patch16-224-in21k` or `generated/tiny`. */
  id: string;
  /** Hub commit, or null for a local/imported folder. */
  revision: string | null;
  dtype: ModelDtype;
  /** sha256 of the ONNX file that the session loaded. */
  fileSha256: string;
  /** Bumped whenever our preprocessing changes numerically. */
  preprocessVersion: number;
  /** 'fast' vectors come from a DCT-scaled decode (preprocess/shrinkOnLoad.ts); absent means 'exact'. */
  preprocessMode?: PreprocessMode;
  /**
   * sha256 (hex) of the canonical JSON of the parsed ProcessorConfig (keys sorted): a different input size, crop,
   * resample or mean/std changes every vector even with the same weights. Parsed, not raw bytes, so whitespace,
   * key order or an unused field in preprocessor_config.json does not force a re-embed.
   */
  processorSha256: string;
}

export type EmbedItem =
  | { path: string; ok: true; embedding: Float32Array; shape: number[] }
  | { path: string; ok: false; error: string };

export interface JobProgress {
  done: number;
  total: number;
  failed: number;
  /** Items per second over the job so far. */
  rate: number;
  /** Seconds left at the current rate, or null before there is a rate. */
  etaSeconds: number | null;
  current: string | null;
}

/** Every long job takes this shape: cancel with the signal, progress through the callback. */
export interface JobOptions<P = JobProgress> {
  signal?: AbortSignal;
  onProgress?: (progress: P) => void;
}
