// Reads a Hugging Face `preprocessor_config.json` into our ProcessorConfig, with the constructor defaults of
// the HF classes we reproduce (transformers' image_processing_{vit,clip,bit}.py) filling what it leaves out.
import { z } from 'zod';
import { LookalikeError } from '../errors.js';
import type { PillowResampleId, ProcessorConfig } from '../types.js';

type Size = ProcessorConfig['size'];

/** A preprocessor_config.json we cannot reproduce: the model folder is not usable as it is. */
const configError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);
type Triple = [number, number, number];

const OPENAI_CLIP_MEAN: Triple = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_CLIP_STD: Triple = [0.26862954, 0.26130258, 0.27577711];
const IMAGENET_STANDARD_MEAN: Triple = [0.5, 0.5, 0.5];
const IMAGENET_STANDARD_STD: Triple = [0.5, 0.5, 0.5];

interface Family {
  /** How a bare integer `size` reads (HF's get_size_dict default_to_square). */
  sizeIntIsSquare: boolean;
  /** ViTImageProcessor has no centre crop at all, whatever the JSON says. */
  hasCenterCrop: boolean;
  defaults: ProcessorConfig;
}

const VIT: Family = {
  sizeIntIsSquare: true,
  hasCenterCrop: false,
  defaults: {
    doConvertRgb: true, doResize: true, size: { height: 224, width: 224 }, resample: 2, doCenterCrop: false,
    cropSize: null, doRescale: true, rescaleFactor: 1 / 255, doNormalize: true,
    imageMean: IMAGENET_STANDARD_MEAN, imageStd: IMAGENET_STANDARD_STD,
  },
};

// CLIPImageProcessor and BitImageProcessor (DINOv2) share defaults and steps.
const SHORTEST_EDGE: Family = {
  sizeIntIsSquare: false,
  hasCenterCrop: true,
  defaults: {
    doConvertRgb: true, doResize: true, size: { shortestEdge: 224 }, resample: 3, doCenterCrop: true,
    cropSize: { height: 224, width: 224 }, doRescale: true, rescaleFactor: 1 / 255, doNormalize: true,
    imageMean: OPENAI_CLIP_MEAN, imageStd: OPENAI_CLIP_STD,
  },
};

const FAMILIES: Record<string, Family> = {
  ViTImageProcessor: VIT,
  ViTFeatureExtractor: VIT,
  CLIPImageProcessor: SHORTEST_EDGE,
  CLIPFeatureExtractor: SHORTEST_EDGE,
  BitImageProcessor: SHORTEST_EDGE,
};

const edge = z.number().int().positive();
const sizeSchema = z.union([
  edge,
  z.tuple([edge, edge]),
  z.object({ height: edge, width: edge }),
  z.object({ shortest_edge: edge }),
]);
const channelValues = z.union([z.number(), z.array(z.number()).length(3)]);

const rawSchema = z.object({
  image_processor_type: z.string().optional(),
  feature_extractor_type: z.string().optional(),
  do_convert_rgb: z.boolean().nullish(),
  do_resize: z.boolean().nullish(),
  size: sizeSchema.nullish(),
  resample: z.number().int().min(0).max(5).nullish(),
  do_center_crop: z.boolean().nullish(),
  crop_size: sizeSchema.nullish(),
  do_rescale: z.boolean().nullish(),
  rescale_factor: z.number().positive().nullish(),
  do_normalize: z.boolean().nullish(),
  image_mean: channelValues.nullish(),
  image_std: channelValues.nullish(),
});

export function parseProcessorConfig(json: unknown): ProcessorConfig {
  const parsed = rawSchema.safeParse(json);
  if (!parsed.success) {
    throw configError(`invalid preprocessor_config.json: ${z.prettifyError(parsed.error)}`);
  }
  const raw = parsed.data;
  const family = pickFamily(raw);
  const d = family.defaults;
  const size = raw.size == null ? d.size : toSize(raw.size, family.sizeIntIsSquare);
  if (family === VIT && 'shortestEdge' in size) {
    throw configError('invalid preprocessor_config.json: ViTImageProcessor needs size {height, width}');
  }
  const doCenterCrop = family.hasCenterCrop && (raw.do_center_crop ?? d.doCenterCrop);
  const cropSize = raw.crop_size == null ? d.cropSize : toHeightWidth(raw.crop_size, 'crop_size');
  if (doCenterCrop && cropSize === null) throw configError('invalid preprocessor_config.json: do_center_crop needs crop_size');
  const imageStd = raw.image_std == null ? d.imageStd : toTriple(raw.image_std);
  if (imageStd.some((s) => s === 0)) throw configError('invalid preprocessor_config.json: image_std has a 0');
  return {
    doConvertRgb: raw.do_convert_rgb ?? d.doConvertRgb,
    doResize: raw.do_resize ?? d.doResize,
    size,
    resample: (raw.resample ?? d.resample) as PillowResampleId,
    doCenterCrop,
    cropSize: doCenterCrop ? cropSize : null,
    doRescale: raw.do_rescale ?? d.doRescale,
    rescaleFactor: raw.rescale_factor ?? d.rescaleFactor,
    doNormalize: raw.do_normalize ?? d.doNormalize,
    imageMean: raw.image_mean == null ? d.imageMean : toTriple(raw.image_mean),
    imageStd,
  };
}

function pickFamily(raw: z.infer<typeof rawSchema>): Family {
  const type = raw.image_processor_type ?? raw.feature_extractor_type;
  if (type === undefined) {
    // No class named: a shortest-edge size only makes sense for the CLIP-style processors.
    const size = raw.size;
    return typeof size === 'object' && size !== null && 'shortest_edge' in size ? SHORTEST_EDGE : VIT;
  }
  const family = FAMILIES[type];
  if (!family) {
    throw configError(`unsupported image processor "${type}" (supported: ${Object.keys(FAMILIES).join(', ')})`);
  }
  return family;
}

function toSize(size: z.infer<typeof sizeSchema>, intIsSquare: boolean): Size {
  if (typeof size === 'number') return intIsSquare ? { height: size, width: size } : { shortestEdge: size };
  if ('shortest_edge' in size) return { shortestEdge: size.shortest_edge };
  return toHeightWidth(size, 'size');
}

function toHeightWidth(size: z.infer<typeof sizeSchema>, field: string): { height: number; width: number } {
  if (typeof size === 'number') return { height: size, width: size };
  if (Array.isArray(size)) return { height: size[0], width: size[1] };
  if ('height' in size) return { height: size.height, width: size.width };
  throw configError(`invalid preprocessor_config.json: ${field} must be {height, width} here`);
}

function toTriple(value: number | number[]): Triple {
  if (typeof value === 'number') return [value, value, value];
  return [value[0]!, value[1]!, value[2]!];
}
