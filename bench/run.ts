// `npm run bench [-- name…]`: performance targets live here, never in timed tests. Each bench prints its own table.
import { benchCatalog } from './catalog.js';
import { benchEngine } from './engine.js';
import { benchGrouping } from './grouping.js';
import { benchQuality } from './quality.js';
import { benchScale } from './scale.js';
import { benchScan } from './scan.js';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  catalog: () => benchCatalog(),
  engine: () => benchEngine(),
  grouping: () => benchGrouping(),
  scan: () => benchScan(),
  quality: () => benchQuality(),
  // Not in the default run: a million photos take many minutes (`npm run bench -- scale --n 100000` for less).
  scale: () => benchScale(),
};

// Names, then a bench's own flags (`--n 100000`): a flag and its value are not names.
const args = process.argv.slice(2);
const wanted = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const names = wanted.length ? wanted : Object.keys(benches).filter((name) => name !== 'scale');
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
