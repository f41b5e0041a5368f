// A scan in a process of its own, for the kill-and-resume test: `node … scanChild.ts DB ROOT MODEL_DIR`.
// Prints one JSON line per committed batch ({"embedded": n}) and the summary at the end ({"summary": …}).
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { createEngine } from '../../../electron/engine/engine.js';
import { scanLibrary } from '../../../electron/engine/scan/index.js';

const [db, root, modelDir] = process.argv.slice(2);
if (!db || !root || !modelDir) throw new Error('usage: scanChild.ts DB ROOT MODEL_DIR');
const engine = await createEngine({ modelDir, device: 'cpu', threads: 1 });
const catalog = Catalog.open(db);
let last = -1;
const summary = await scanLibrary({ catalog, roots: [root], engine, batchSize: 2 }, {
  onProgress: (p) => {
    if (p.embedded !== last) process.stdout.write(`${JSON.stringify({ embedded: p.embedded })}\n`);
    last = p.embedded;
  },
});
process.stdout.write(`${JSON.stringify({ summary })}\n`);
catalog.close();
await engine.close();
