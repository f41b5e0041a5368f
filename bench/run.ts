// `npm run bench [-- name…]`: performance targets live here, never in timed tests. Each bench prints its own table.
import { benchCatalog } from './catalog.js';
import { benchEngine } from './engine.js';
import { benchFastFidelity } from './fastFidelity.js';
import { benchGrouping } from './grouping.js';
import { benchPerceptual } from './perceptual.js';
import { benchQ8 } from './q8.js';
import { benchQuality } from './quality.js';
import { benchScale } from './scale.js';
import { benchScan } from './scan.js';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  catalog: () => benchCatalog(),
  engine: () => benchEngine(),
  grouping: () => benchGrouping(),
  perceptual: () => benchPerceptual(),
  scan: () => benchScan(),
  quality: () => benchQuality(),
  // Also run at the end of `engine`, so not in the default run again.
  q8: () => benchQ8(),
  // Not in the default run: how far fast preprocessing is from exact (chose its rule; needs the camera-size set).
  'fast-fidelity': () => benchFastFidelity(),
  // Not in the default run: a million photos take many minutes (`npm run bench -- scale --n 100000` for less).
  scale: () => benchScale(),
};

// Names, then a bench's own flags (`--n 100000`): a flag and its value are not names.
const args = process.argv.slice(2);
const wanted = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const names = wanted.length ? wanted : Object.keys(benches).filter((name) => name !== 'scale' && name !== 'q8' && name !== 'fast-fidelity');
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown bench "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n=== bench: ${name}`);
  await bench();
}
