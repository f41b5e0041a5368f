// Writes a generated model folder: node dist/scripts/generate-model.js --preset tiny|base|descriptor --out DIR [--seed N] [--q8]
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { DEFAULT_SEED, generateVitModel, isVitPreset } from './model-generator/generate.js';

const USAGE = 'usage: generate-model --preset tiny|base|descriptor --out DIR [--seed N] [--q8]';

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        preset: { type: 'string' },
        out: { type: 'string' },
        seed: { type: 'string', default: String(DEFAULT_SEED) },
        q8: { type: 'boolean', default: false }, // also onnx/model_quantized.onnx (dynamic int8)
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { preset, out } = values;
  const seed = Number(values.seed);
  if (!preset || !isVitPreset(preset) || !out || !/^\d+$/.test(values.seed)) {
    console.error(USAGE);
    return 2;
  }
  const info = await generateVitModel(resolve(out), { preset, seed, q8: values.q8 });
  console.log(JSON.stringify(info, null, 2));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`generate-model: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
