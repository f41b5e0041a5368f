// pixel_values from preprocessImage against the Python reference of HF's pipeline (Pillow + numpy), on the
// committed fixtures and, when present, on the whole corpus of originals.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { parseProcessorConfig } from '../../../electron/engine/preprocess/processorConfig.js';
import { preprocessImage } from '../../../electron/engine/preprocess/preprocessImage.js';
import { describeWithPillow, diffStats, pillowReference } from './pillowReference.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
const CORPUS = '/work/shared/photos/originals';
const MEAN_LIMIT = 0.005;
const MAX_LIMIT = 0.05;

// Real preprocessor_config.json shapes: google/vit-base-patch16-224-in21k (legacy int size),
// openai/clip-vit-base-patch32 (legacy ints), facebook/dinov2-small (BitImageProcessor, 256 then crop 224).
const CONFIGS: Record<string, object> = {
  vit: {
    feature_extractor_type: 'ViTFeatureExtractor', do_normalize: true, do_resize: true,
    image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], resample: 2, size: 224,
  },
  clip: {
    feature_extractor_type: 'CLIPFeatureExtractor', crop_size: 224, do_center_crop: true, do_normalize: true,
    do_resize: true, image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711], resample: 3, size: 224,
  },
  dinov2: {
    image_processor_type: 'BitImageProcessor', crop_size: { height: 224, width: 224 }, do_center_crop: true,
    do_convert_rgb: true, do_normalize: true, do_rescale: true, do_resize: true,
    image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225], resample: 3,
    rescale_factor: 0.00392156862745098, size: { shortest_edge: 256 },
  },
  // The crop is larger than the resized image: HF pads with zeros before rescaling.
  padded: { image_processor_type: 'CLIPImageProcessor', size: { shortest_edge: 50 }, crop_size: { height: 64, width: 80 } },
};

const listImages = (dir: string): string[] => readdirSync(dir).sort()
  .filter((f) => /\.(jpe?g|png|webp|gif|tiff?|bmp)$/i.test(f)).map((f) => join(dir, f));

const committed = [
  ...listImages(join(FIXTURES, 'photos/originals')),
  ...listImages(join(FIXTURES, 'photos/variants')),
  ...listImages(join(FIXTURES, 'formats')),
];

async function checkParity(label: string, configName: string, images: string[]): Promise<void> {
  const hfConfig = CONFIGS[configName]!;
  const cfg = parseProcessorConfig(hfConfig);
  const reference = await pillowReference(images, { config: hfConfig });
  let meanSum = 0;
  let worstMean = 0;
  let worstMax = 0;
  let count = 0;
  for (const entry of reference) {
    expect(entry.ok, `${entry.path}: ${entry.error}`).toBe(true);
    const ours = await preprocessImage(entry.path, cfg);
    expect([3, ours.height, ours.width]).toEqual(entry.shape);
    const stats = diffStats(ours.tensor, entry.tensor!);
    expect(stats.mean, entry.path).toBeLessThanOrEqual(MEAN_LIMIT);
    expect(stats.max, entry.path).toBeLessThanOrEqual(MAX_LIMIT);
    meanSum += stats.mean;
    worstMean = Math.max(worstMean, stats.mean);
    worstMax = Math.max(worstMax, stats.max);
    count++;
  }
  console.log(`parity ${label} ${configName}: ${count} images, mean |diff| ${(meanSum / count).toExponential(2)}, `
    + `worst image mean ${worstMean.toExponential(2)}, max ${worstMax.toExponential(2)}`);
}

describeWithPillow('pixel_values match the Python reference (committed fixtures)', () => {
  it.each(['vit', 'clip', 'dinov2', 'padded'])('%s', async (configName) => {
    await checkParity('fixtures', configName, committed);
  });
});

describeWithPillow('pixel_values match the Python reference (corpus originals)', () => {
  it.runIf(existsSync(CORPUS)).each(['vit', 'clip'])('%s', async (configName) => {
    await checkParity('corpus', configName, listImages(CORPUS));
  });
});

describeWithPillow('batch buffers', () => {
  it('writes each image at its offset, equal to a standalone tensor', async () => {
    const cfg = parseProcessorConfig(CONFIGS.clip);
    const [a, b] = listImages(join(FIXTURES, 'photos/originals'));
    const size = 3 * 224 * 224;
    const batch = new Float32Array(2 * size).fill(Number.NaN);
    const first = await preprocessImage(a!, cfg, { out: batch, offset: 0 });
    await preprocessImage(b!, cfg, { out: batch, offset: size });
    expect(first.tensor.buffer).toBe(batch.buffer);
    expect(batch.some(Number.isNaN)).toBe(false);
    expect(batch.subarray(size)).toEqual((await preprocessImage(b!, cfg)).tensor);
  });
});
