// The scan decodes the bytes its content hash names: one read, checked against the hash stage's hash.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { ContentHasher } from '../../../electron/engine/scan/hash.js';
import { scanLibrary, type ScanEmbedder } from '../../../electron/engine/scan/index.js';
import { readVerified } from '../../../electron/engine/scan/verifiedRead.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let engine: Engine;
beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-verified-'));
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
}, 60_000);
afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('readVerified', () => {
  it('gives the bytes whose hash the hash stage computed, and refuses a file rewritten since', async () => {
    const file = path.join(tmp, 'a.jpg');
    copyFileSync(fixture('originals/skimage_chelsea.jpg'), file);
    const hasher = await ContentHasher.create();
    const { contentHash } = await hasher.hashFile(file);
    expect(hasher.hashBytes(await readVerified(file, contentHash, hasher))).toBe(contentHash);
    copyFileSync(fixture('originals/skimage_coffee.jpg'), file);
    await expect(readVerified(file, contentHash, hasher)).rejects.toMatchObject({ code: 'conflict' });
    await expect(readVerified(file, contentHash, hasher)).rejects.toThrow(/changed while it was being scanned/);
  });

  it('the scan hands the decoder the verified bytes, whose hash is the one stored for the file', async () => {
    const lib = path.join(tmp, 'lib');
    mkdirSync(lib, { recursive: true });
    copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'photo.jpg'));
    const catalog = Catalog.open(path.join(tmp, 'catalog.db'));
    const seen: { input: unknown; label: string | undefined }[] = [];
    const embedder: ScanEmbedder = {
      provenance: engine.provenance,
      dim: engine.dim,
      prepare: async (input, label) => {
        seen.push({ input, label });
        return engine.prepare(input, label);
      },
      runBatch: (t) => engine.runBatch(t),
    };
    await scanLibrary({ catalog, roots: [lib], engine: embedder });
    const row = catalog.files.get(path.join(lib, 'photo.jpg'));
    catalog.close();
    expect(seen).toHaveLength(1);
    expect(Buffer.isBuffer(seen[0]!.input)).toBe(true);
    expect(seen[0]!.label).toBe(path.join(lib, 'photo.jpg'));
    const hasher = await ContentHasher.create();
    expect(hasher.hashBytes(seen[0]!.input as Buffer)).toBe(row?.contentHash);
  });
});
