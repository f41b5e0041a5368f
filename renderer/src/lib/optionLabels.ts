// How the choices of Settings and Export read in their menus. The choices themselves are values.ts' lists: each
// record here is keyed by one, so a value added there fails to compile until it has a label.
import type { DeviceChoice, FeatureDtype, FeatureFormat, ResultFormat, Theme } from '../../../electron/shared/values.js';

export const deviceLabels: Record<DeviceChoice, string> = {
  auto: 'Automatic (fastest available)',
  cpu: 'cpu',
  webgpu: 'webgpu',
  cuda: 'cuda',
  dml: 'dml',
  coreml: 'coreml',
};

export const themeLabels: Record<Theme, string> = {
  system: 'Follow the system',
  light: 'Light',
  dark: 'Dark',
};

export const featureFormatLabels: Record<FeatureFormat, string> = {
  npy: 'NumPy (.npy)',
  safetensors: 'safetensors',
  csv: 'CSV',
  jsonl: 'JSON Lines',
};

export const featureDtypeLabels: Record<FeatureDtype, string> = {
  float32: 'float32',
  float16: 'float16',
};

export const resultFormatLabels: Record<ResultFormat, string> = {
  csv: 'CSV',
  json: 'JSON',
};

/** Text formats hold one pooled row per image; only the binary ones can carry every patch token. */
export const isTextFeatureFormat = (format: FeatureFormat): boolean => format === 'csv' || format === 'jsonl';

/** Narrows a <select>'s value to one of the list it was built from. */
export function oneOf<T extends string>(list: readonly T[], value: string): T | null {
  return (list as readonly string[]).includes(value) ? (value as T) : null;
}
