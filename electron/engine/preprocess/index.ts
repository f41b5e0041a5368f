// Public entry of decoding and preprocessing; the rest of the engine imports from here.
export { decodeImage, DEFAULT_MAX_PIXELS, probeImage, readImageFile, vipsMessage, type DecodedImage, type DecodeOptions, type ProbedImage } from './decode.js';
export { decodeHeicToRgb } from './heicFallback.js';
export { extraOrientation } from './orientation.js';
export { detectRaw, isRaw, rawExifSource, rawFormats, type RawFormat } from './rawPreview.js';
export { pixelHash } from './pixelHash.js';
export { parseProcessorConfig } from './processorConfig.js';
export { pillowResize, type OutputWindow } from './pillowResize.js';
export { fixedTensorShape, planTensor, type TensorPlan } from './toTensor.js';
export { pixelValuesFromRgb, preprocessImage, type PreprocessResult, type TensorTarget } from './preprocessImage.js';
export type { RasterFormat } from './sniffFormat.js';
