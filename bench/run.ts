// `npm run bench [-- name…]`: performance targets live here, never in timed tests. Each bench prints its own table.
import { benchCatalog } from './catalog.js';
import { benchEngine } from './engine.js';
import { benchGrouping } from './grouping.js';
import { benchQuality } from './quality.js';
import { benchScan } from './scan.js';

const benches: Record<string, () => Promise<Record<string, unknown>>> = {
  catalog: () => benchCatalog(),
  engine: () => benchEngine(),
  grouping: () => benchGrouping(),
  scan: () => benchScan(),
  quality: () => benchQuality(),
};

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(benches);
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
