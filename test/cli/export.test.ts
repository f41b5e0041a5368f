// `lookalike export` against the real engine (generated tiny model, real photos), read back by numpy and a
// by-hand safetensors parse, and compared with what `lookalike embed --json` prints for the same files.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as embedCommand } from '../../electron/cli/commands/embed.js';
import { command as exportCommand } from '../../electron/cli/commands/export.js';
import type { CliIO } from '../../electron/cli/command.js';
import type { ExportManifest } from '../../electron/engine/export/types.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';
import { listDir, makeTempDir, readBack, removeDir } from '../engine/export/helpers.js';

function captureIO(signal = new AbortController().signal): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { io: { stdout, stderr, env: {}, signal }, out: () => out, err: () => err };
}

interface EmbedJson {
  pooled: boolean;
  items: ({ path: string; embedding: number[] | number[][] } | { path: string; error: string })[];
}

let dir: string;
let model: string;
let photos: string[];
let bad: string;
/** What `lookalike embed --json` printed, by path: the reference the exports must equal. */
const reference: Record<'pooled' | 'unpooled', Map<string, Float32Array>> = { pooled: new Map(), unpooled: new Map() };

async function embedJson(args: string[]): Promise<EmbedJson> {
  const { io, out, err } = captureIO();
  const code = await embedCommand.run([...args, '--model', model, '--device', 'cpu', '--json'], io);
  expect(code, err()).toBe(1); // the broken file fails, the rest succeed
  return JSON.parse(out()) as EmbedJson;
}

beforeAll(async () => {
  dir = await makeTempDir();
  model = await tinyModelDir();
  bad = path.join(dir, 'broken.jpg');
  await writeFile(bad, 'not a jpeg at all');
  photos = ['originals/skimage_chelsea.jpg', 'variants/skimage_coffee__png.png', 'variants/skimage_chelsea__webp.webp'].map(
    fixture,
  );
  for (const pooled of [true, false]) {
    const json = await embedJson([...photos, bad, ...(pooled ? [] : ['--no-pool'])]);
    for (const item of json.items) {
      if ('embedding' in item) reference[pooled ? 'pooled' : 'unpooled'].set(item.path, Float32Array.from(item.embedding.flat()));
    }
  }
  expect(reference.pooled.size).toBe(3);
}, 180_000);

afterAll(async () => {
  await removeDir(dir);
});

async function runExport(args: string[]): Promise<{ code: number; manifest: ExportManifest; out: string; err: string }> {
  const { io, out, err } = captureIO();
  const code = await exportCommand.run([...args, '--model', model, '--device', 'cpu'], io);
  const file = args[args.indexOf('--out') + 1]!;
  const manifest = JSON.parse(await readFile(`${file}.manifest.json`, 'utf8')) as ExportManifest;
  return { code, manifest, out: out(), err: err() };
}

const rowsOf = (m: ExportManifest, kind: 'pooled' | 'unpooled'): Float32Array[] =>
  m.rows.map((r) => reference[kind].get(r.path) ?? Float32Array.of());

describe('lookalike export (real engine)', () => {
  it('npy pooled float32 equals embed --json bit for bit; the broken file is in failed, not rows', async () => {
    const out = path.join(dir, 'pooled.npy');
    const r = await runExport([...photos, bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/exporting 4×64 float32 .* \(about /);
    expect(r.manifest.rows.map((x) => x.path).sort()).toEqual([...photos].sort());
    expect(r.manifest.failed.map((f) => f.path)).toEqual([bad]);
    expect(r.manifest.failed[0]!.reason.length).toBeGreaterThan(0);
    expect(r.manifest.rows.every((x) => /^sha256:[0-9a-f]{64}$/.test(x.hash))).toBe(true);
    expect(r.manifest.model).toMatchObject({ dtype: 'fp32', preprocessVersion: 1, pooling: 'pooler_output' });
    const facts = await readBack('npy', out, rowsOf(r.manifest, 'pooled'), [64]);
    expect(facts.shape).toEqual([3, 64]);
    expect(facts.equal_bits).toBe(true);
  });

  it('safetensors unpooled float16 equals embed --json --no-pool within float16 rounding (numpy-exact)', async () => {
    const out = path.join(dir, 'tokens.safetensors');
    const r = await runExport([...photos, '--out', out, '--no-pool', '--dtype', 'float16']);
    expect(r.code).toBe(0);
    const facts = await readBack('safetensors', out, rowsOf(r.manifest, 'unpooled'), [197, 64]);
    expect(facts.tensor?.dtype).toBe('F16');
    expect(facts.shape).toEqual([3, 197, 64]);
    expect(facts.equal_bits).toBe(true);
    expect(facts.metadata).toMatchObject({ pooling: 'none', pooled: 'false', dtype: 'float16', preprocess_version: '1' });
    expect(facts.metadata?.['model_id']).toBe(r.manifest.model.id);
  });

  it('safetensors unpooled float32 and npy unpooled are bit-exact', async () => {
    for (const ext of ['safetensors', 'npy'] as const) {
      const out = path.join(dir, `tokens32.${ext}`);
      const r = await runExport([...photos, '--out', out, '--no-pool']);
      expect(r.code).toBe(0);
      const facts = await readBack(ext, out, rowsOf(r.manifest, 'unpooled'), [197, 64]);
      expect(facts.equal_bits).toBe(true);
    }
  });

  it('csv pooled and jsonl unpooled read back exact', async () => {
    const csv = path.join(dir, 'pooled.csv');
    const c = await runExport([...photos, '--out', csv]);
    const csvFacts = await readBack('csv', csv, rowsOf(c.manifest, 'pooled'), [64]);
    expect(csvFacts.paths).toEqual(c.manifest.rows.map((x) => x.path));
    expect(csvFacts.equal_bits).toBe(true);
    const jsonl = path.join(dir, 'tokens.jsonl');
    const j = await runExport([...photos, '--out', jsonl, '--no-pool']);
    const jsonlFacts = await readBack('jsonl', jsonl, rowsOf(j.manifest, 'unpooled'), [197, 64]);
    expect(jsonlFacts.hashes).toEqual(j.manifest.rows.map((x) => x.hash));
    expect(jsonlFacts.equal_bits).toBe(true);
  });

  it('a folder exports every image in it', async () => {
    const out = path.join(dir, 'folder.npy');
    const r = await runExport([fixture('originals'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.manifest.shape).toEqual([6, 64]);
    expect(r.manifest.rows.every((x) => x.path.startsWith(fixture('originals')))).toBe(true);
  });

  it('cancel (SIGINT) mid-export removes the partial and writes neither the file nor its manifest', async () => {
    const controller = new AbortController();
    const sub = await makeTempDir();
    const { io, err } = captureIO(controller.signal);
    const run = exportCommand.run([...photos, '--out', path.join(sub, 'x.npy'), '--model', model, '--device', 'cpu'], io);
    let sawPartial = false;
    const poll = setInterval(() => {
      void listDir(sub).then((names) => {
        if (names.some((n) => n.endsWith('.partial'))) {
          sawPartial = true;
          controller.abort();
        }
      });
    }, 2);
    const code = await run;
    clearInterval(poll);
    expect(sawPartial).toBe(true);
    expect(code).toBe(1);
    expect(err()).toMatch(/cancelled/);
    expect(await listDir(sub)).toEqual([]);
    await removeDir(sub);
  });

  it('refuses unpooled CSV, a missing --out and an unknown --dtype as usage errors', async () => {
    const { io } = captureIO();
    await expect(exportCommand.run([photos[0]!, '--out', path.join(dir, 'x.csv'), '--no-pool'], io)).rejects.toThrow(
      /CSV holds one vector per image/,
    );
    await expect(exportCommand.run([photos[0]!], io)).rejects.toThrow(/--out/);
    await expect(exportCommand.run([photos[0]!, '--out', path.join(dir, 'x.npy'), '--dtype', 'int8'], io)).rejects.toThrow(
      /float32 or float16/,
    );
    await expect(exportCommand.run([photos[0]!, '--out', path.join(dir, 'x.parquet')], io)).rejects.toThrow(/\.npy/);
  });
});
