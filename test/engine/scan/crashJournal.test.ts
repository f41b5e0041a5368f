// The scan's crash journal on real files: what a supervisor concludes after a death (one file in flight is
// blamed, several become suspects, a hang blames only the overdue call), and what the next scan does with it:
// a blamed file becomes a failed row with the reason and is never opened, suspects are decoded and embedded with
// no other native call in flight, and a finished scan leaves an empty journal.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { fileTimeoutMs, overdueCalls, readJournal, scanLibrary, settleDeath, type JournalState, type ScanEmbedder } from '../../../electron/engine/scan/index.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let journal: string;
const write = (state: Partial<JournalState>): void => writeFileSync(journal, JSON.stringify({ inFlight: [], verdicts: [], suspects: [], ...state }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const crash = { signal: 'SIGSEGV', code: null, hung: [], timeoutMs: 60_000 };

beforeEach((ctx) => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-journal-'));
  journal = path.join(tmp, 'journal.json');
  ctx.onTestFinished(() => rmSync(tmp, { recursive: true, force: true }));
});

describe('after a death', () => {
  it('blames the one file in flight, with the stage and the signal, and keeps earlier verdicts', () => {
    write({ inFlight: [{ stage: 'decode', paths: ['/p/bad.jpg'], since: Date.now() }], verdicts: [{ path: '/p/old.heic', reason: 'earlier' }] });
    const settled = settleDeath(journal, crash);
    expect(settled).toMatchObject({ implicated: true, message: 'the engine crashed (SIGSEGV) on /p/bad.jpg: that file is marked failed' });
    expect(readJournal(journal)).toEqual({
      inFlight: [],
      verdicts: [
        { path: '/p/old.heic', reason: 'earlier' },
        { path: '/p/bad.jpg', reason: 'the decoder crashed on this file (SIGSEGV); it is skipped until the file changes' },
      ],
      suspects: [],
    });
  });

  it('blames nobody when several files were in work: they become suspects', () => {
    write({ inFlight: [{ stage: 'decode', paths: ['/p/a.jpg'], since: 1 }, { stage: 'embed', paths: ['/p/b.jpg', '/p/c.jpg'], since: 2 }] });
    const settled = settleDeath(journal, { ...crash, signal: 'SIGABRT' });
    expect(settled.message).toBe('the engine crashed (SIGABRT) with 3 files in work: each is retried alone to find the one at fault');
    expect(settled.verdicts).toEqual([]);
    expect(readJournal(journal)).toMatchObject({ verdicts: [], suspects: ['/p/a.jpg', '/p/b.jpg', '/p/c.jpg'] });
  });

  it('on a hang blames only the overdue call; a batch gets the limit once per file', () => {
    const now = Date.now();
    const state: JournalState = {
      inFlight: [
        { stage: 'decode', paths: ['/p/stuck.jpg'], since: now - 3000 },
        { stage: 'decode', paths: ['/p/fine.jpg'], since: now - 100 },
        { stage: 'embed', paths: ['/p/1.jpg', '/p/2.jpg'], since: now - 3000 },
      ],
      verdicts: [],
      suspects: [],
    };
    const overdue = overdueCalls(state, 2000, now);
    expect(overdue.map((c) => c.paths)).toEqual([['/p/stuck.jpg']]);
    write(state);
    const settled = settleDeath(journal, { signal: 'SIGKILL', code: null, hung: overdue, timeoutMs: 2000 });
    expect(settled.verdicts).toEqual([{ path: '/p/stuck.jpg', reason: 'the decoder did not finish this file within 2 s and was stopped; it is skipped until the file changes' }]);
    expect(settled.message).toBe('the engine was stopped: /p/stuck.jpg did not finish within 2 s; that file is marked failed');
    expect(readJournal(journal).suspects).toEqual([]);
  });

  it('says so when the death was outside any file (nothing to restart for), and reads a missing journal as empty', () => {
    expect(settleDeath(journal, { ...crash, code: 3, signal: null })).toMatchObject({ implicated: false, message: "the engine crashed (exit code 3) outside any file's decoding or embedding" });
    expect(readJournal(path.join(tmp, 'none.json'))).toEqual({ inFlight: [], verdicts: [], suspects: [] });
  });

  it('takes the per-file limit from LOOKALIKE_FILE_TIMEOUT_S, 60 s by default', () => {
    expect(fileTimeoutMs({})).toBe(60_000);
    expect(fileTimeoutMs({ LOOKALIKE_FILE_TIMEOUT_S: '2' })).toBe(2000);
    expect(fileTimeoutMs({ LOOKALIKE_FILE_TIMEOUT_S: 'soon' })).toBe(60_000);
  });
});

describe('the next scan', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  /** The real engine, recording which files were prepared and the most native calls running beside each one. */
  function watched(): { embedder: ScanEmbedder; prepared: string[]; overlaps: Map<string, number> } {
    const prepared: string[] = [];
    const overlaps = new Map<string, number>();
    const running = new Set<{ file: string | null; most: number }>();
    const track = async <T>(file: string | null, fn: () => Promise<T>): Promise<T> => {
      const call = { file, most: 0 };
      running.add(call);
      for (const c of running) c.most = Math.max(c.most, running.size);
      try {
        return await fn();
      } finally {
        running.delete(call);
        if (file) overlaps.set(file, call.most);
      }
    };
    const embedder: ScanEmbedder = {
      provenance: engine.provenance,
      dim: engine.dim,
      prepare: (input, label) => {
        // The scan hands the decoder the bytes it hashed, labelled with their path.
        const file = label ?? String(input);
        prepared.push(file);
        // A slower decoder, so that ordinary decodes surely overlap (the scan runs two at once).
        return track(file, async () => (await sleep(30), engine.prepare(input, label)));
      },
      runBatch: (tensors) => track(null, () => engine.runBatch(tensors)),
    };
    return { embedder, prepared, overlaps };
  }

  it('records a blamed file as failed without opening it, runs suspects alone, and leaves an empty journal', async () => {
    const lib = path.join(tmp, 'lib');
    mkdirSync(lib);
    const names = ['skimage_chelsea.jpg', 'skimage_coffee.jpg', 'palapeli_honey_bee.jpg', 'skimage_astronaut.jpg', 'skimage_motorcycle_left.jpg', 'skimage_motorcycle_right.jpg'];
    for (const n of names) copyFileSync(fixture(`originals/${n}`), path.join(lib, n));
    const variants = ['bright15', 'crop85', 'flip_h', 'grayscale', 'jpeg_q35', 'resize50', 'watermark', 'webp.webp'];
    for (const v of variants) copyFileSync(fixture(`variants/skimage_chelsea__${v.includes('.') ? v : `${v}.jpg`}`), path.join(lib, `chelsea-${v.includes('.') ? v : `${v}.jpg`}`));
    const at = (n: string) => path.join(lib, n);
    const reason = 'the decoder crashed on this file (SIGSEGV); it is skipped until the file changes';
    write({ verdicts: [{ path: at('skimage_astronaut.jpg'), reason }], suspects: [at('skimage_coffee.jpg'), at('palapeli_honey_bee.jpg')] });
    const catalog = Catalog.open(path.join(tmp, 'catalog.db'));
    try {
      const { embedder, prepared, overlaps } = watched();
      const summary = await scanLibrary({ catalog, roots: [lib], engine: embedder, batchSize: 4 }, { journal });
      expect(summary.failed).toEqual([{ path: at('skimage_astronaut.jpg'), reason }]);
      expect(summary.embedded).toBe(5 + variants.length);
      expect(prepared).not.toContain(at('skimage_astronaut.jpg'));
      expect(catalog.files.get(at('skimage_astronaut.jpg'))).toMatchObject({ status: 'failed', error: reason });
      // Suspects had the native libraries to themselves; the others overlap (two decodes and a batch run at once).
      expect(overlaps.get(at('skimage_coffee.jpg'))).toBe(1);
      expect(overlaps.get(at('palapeli_honey_bee.jpg'))).toBe(1);
      expect(Math.max(...[...overlaps.values()])).toBeGreaterThan(1);
      expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual({ inFlight: [], verdicts: [], suspects: [] });
      // Same bytes, same verdict: a rescan reports it again and still never opens it.
      const again = watched();
      const rescan = await scanLibrary({ catalog, roots: [lib], engine: again.embedder, batchSize: 4 }, { journal });
      expect(rescan.failed).toEqual([{ path: at('skimage_astronaut.jpg'), reason }]);
      expect(again.prepared).toEqual([]);
    } finally {
      catalog.close();
    }
  });
});
