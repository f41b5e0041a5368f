// `npm run bench -- scale [--n 1000000] [--dir DIR] [--rescan 100000]`: a library of N photos on one laptop, end
// to end. The catalog is synthesised through its own API (files rows + ViT-shaped vectors, test/support/
// scaleSeed.ts), then every user-level path runs as a user runs it, each in its own process so its peak RSS is
// its own: `lookalike dupes --json` twice (the first search, then stored neighbours), `status`, `search` by
// example, the app's path (bench/scaleApp.ts), 1,000 photos added and their neighbours updated incrementally,
// and a rescan of an unchanged tree of real files. Family recall and mixed groups are read from dupes' output.
// --dir keeps the seeded catalog between runs (its neighbours are cleared when the steps include `first`, so the
// first run searches again); --steps picks the paths to run, e.g. `--steps app` or `--steps stored,app`.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, linkSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Catalog } from '../electron/engine/catalog/index.js';
import { ContentHasher } from '../electron/engine/scan/hash.js';
import { familyOf, familySize, scaleModel, seedScaleLibrary, type ScaleModel } from '../test/support/scaleSeed.js';
import { tinyModelDir } from '../test/helpers/models.js';
import { repoRoot } from './photos.js';

const cli = path.join(repoRoot, 'dist', 'electron', 'cli', 'bin.js');
const appScript = path.join(repoRoot, 'dist', 'bench', 'scaleApp.js');

function flag(name: string, fallback: number): number;
function flag(name: string): string | undefined;
function flag(name: string, fallback?: number): number | string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (fallback === undefined) return v;
  return v === undefined ? fallback : Number(v);
}

interface Run { wallMs: number; cpuMs: number; peakRssMB: number; stderr: string; stdout: string; code: number | null }

/** A child process, timed, with its peak RSS (reported by a preload at exit); stdout to a file when asked. */
function runChild(preload: string, args: string[], stdoutFile?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', preload, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (stdoutFile) child.stdout.pipe(createWriteStream(stdoutFile));
    else child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = /bench-peak-rss-kb=(\d+)/.exec(stderr);
      const cpu = /bench-cpu-us=(\d+)/.exec(stderr);
      resolve({ wallMs: Math.round(performance.now() - started), cpuMs: cpu ? Math.round(Number(cpu[1]) / 1000) : -1, peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : -1, stderr, stdout, code });
    });
  });
}

/** Pair recall of the families and groups that mix families, from `dupes --json` (one group a line). */
async function familyQuality(jsonFile: string, sizes: Map<number, number>): Promise<{ groups: number; recall: number; mixed: number }> {
  let groups = 0, mixed = 0, found = 0;
  const lines = createInterface({ input: createReadStream(jsonFile) });
  for await (const line of lines) {
    if (!line.startsWith('{"id"')) continue;
    groups++;
    const g = JSON.parse(line.replace(/,$/, '')) as { members: { path: string }[] };
    const count = new Map<number, number>();
    for (const m of g.members) {
      const f = familyOf(m.path);
      if (f !== null) count.set(f, (count.get(f) ?? 0) + 1);
    }
    if (count.size > 1) mixed++;
    for (const c of count.values()) found += (c * (c - 1)) / 2;
  }
  let pairs = 0;
  for (const s of sizes.values()) pairs += (s * (s - 1)) / 2;
  return { groups, recall: pairs ? Math.round((found / pairs) * 10000) / 10000 : 1, mixed };
}

function familySizes(model: ScaleModel, families: number, extra: readonly number[] = []): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let f = 0; f < families; f++) sizes.set(f, familySize(model, f));
  for (const f of extra) sizes.set(f, (sizes.get(f) ?? 0) + 1);
  return sizes;
}

/** "searched (approx) in 123 ms (vectors 4, search 100, write 19)": the CLI's line, with where the time went. */
const neighbourMs = (stderr: string): string => {
  const m = /neighbours ([^\n]*?) in (\d+) ms( \([^)]*\))?/.exec(stderr);
  return m ? `${m[1]} in ${m[2]} ms${m[3] ?? ''}` : '?';
};

/** A tree of `total` real files: one copy per fixture photo, then hard links (distinct paths, shared content). */
function buildTree(root: string, total: number): void {
  const dir = path.join(repoRoot, 'test', 'fixtures', 'photos', 'originals');
  const sources = readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => path.join(dir, f));
  const copies: string[] = [];
  for (let i = 0; i < total; i++) {
    const sub = path.join(root, `d${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `${i}${path.extname(sources[i % sources.length]!)}`);
    if (i < sources.length) copyFileSync(sources[i]!, file), copies.push(file);
    else linkSync(copies[i % copies.length]!, file);
  }
}

async function seed(dataDir: string, n: number, model: ScaleModel, clearNeighbours: boolean): Promise<{ nextFamily: number; real: string[]; seedMs: number }> {
  const marker = path.join(dataDir, `seeded-${n}.json`);
  const db = path.join(dataDir, 'catalog.db');
  if (existsSync(marker)) {
    if (clearNeighbours) {
      const catalog = Catalog.open(db);
      catalog.neighbors.clear();
      catalog.db.exec(`DELETE FROM settings WHERE key LIKE 'duplicates.neighbors:%'`);
      catalog.close();
    }
    return { ...(JSON.parse(readFileSync(marker, 'utf8')) as { nextFamily: number; real: string[] }), seedMs: 0 };
  }
  const started = performance.now();
  const hasher = await ContentHasher.create();
  const catalog = Catalog.open(db);
  const root = path.join(dataDir, 'photos');
  const r = await seedScaleLibrary(catalog, { model, root, photos: n, realFamilies: 10, hashFile: async (p) => (await hasher.hashFile(p)).contentHash });
  catalog.close();
  writeFileSync(marker, JSON.stringify({ nextFamily: r.nextFamily, real: r.real }));
  return { nextFamily: r.nextFamily, real: r.real, seedMs: Math.round(performance.now() - started) };
}

export async function benchScale(): Promise<Record<string, unknown>> {
  const n = flag('n', 1_000_000);
  const rescanFiles = flag('rescan', 100_000);
  const keep = flag('dir');
  // --steps seed,first,stored,status,search,app,add,rescan (default: all): rerun one path on a kept --dir.
  const steps = new Set((flag('steps') ?? 'seed,first,stored,status,search,app,add,rescan').split(','));
  const want = (s: string): boolean => steps.has(s);
  const dataDir = keep ?? mkdtempSync(path.join(os.tmpdir(), 'lookalike-bench-scale-'));
  mkdirSync(dataDir, { recursive: true });
  const preload = path.join(dataDir, 'peak-rss.cjs');
  // CPU time too: on a shared machine wall time swings with the load, CPU seconds much less.
  writeFileSync(preload, `process.on('exit', () => { const u = process.resourceUsage(); require('node:fs').writeSync(2, '\\nbench-peak-rss-kb=' + u.maxRSS + ' bench-cpu-us=' + (u.userCPUTime + u.systemCPUTime) + '\\n'); });\n`);
  const model = scaleModel(768);
  const rows: Record<string, unknown>[] = [];
  const row = (step: string, r: Partial<Run> & { note?: string }) => {
    rows.push({ step, wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssMB: r.peakRssMB, note: r.note ?? '' });
    console.log(JSON.stringify(rows.at(-1)));
  };
  try {
    const seeded = await seed(dataDir, n, model, want('first'));
    row(`seed ${n} photos`, { wallMs: seeded.seedMs, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), note: `${seeded.nextFamily} families` });
    const lib = ['--data-dir', dataDir];
    const out = path.join(dataDir, 'dupes.json');
    const sizes = familySizes(model, seeded.nextFamily);
    for (const pass of ['first', 'stored']) {
      if (!want(pass)) continue;
      const r = await runChild(preload, [cli, 'dupes', '--json', ...lib], out);
      const q = await familyQuality(out, sizes);
      row(`dupes --json (${pass})`, { ...r, note: `exit ${r.code}; neighbours ${neighbourMs(r.stderr)}; ${q.groups} groups, recall ${q.recall}, mixed ${q.mixed}` });
    }
    if (want('status')) {
      const status = await runChild(preload, [cli, 'status', ...lib]);
      row('status', { ...status, note: `exit ${status.code}` });
    }
    if (want('search')) {
      const example = seeded.real[0] ?? path.join(dataDir, 'photos');
      const search = await runChild(preload, [cli, 'search', example, '--json', ...lib]);
      row('search by example (CLI)', { ...search, note: `exit ${search.code}; ${(search.stdout.match(/"path"/g) ?? []).length} hits` });
    }
    if (want('app')) {
      const moved = path.join(dataDir, 'moved');
      mkdirSync(moved, { recursive: true });
      // First as after a scan (no kept grouping: the library loads and groups), then as every later open.
      const catalog = Catalog.open(path.join(dataDir, 'catalog.db'));
      catalog.db.exec('DELETE FROM group_snapshots');
      catalog.close();
      // The second run regroups at thresholds the first did not (the first run's are kept by then).
      for (const [when, thresholds] of [['no kept grouping', '90,93,91'], ['kept grouping', '89,93,92']] as const) {
        const app = await runChild(preload, [appScript, dataDir, seeded.real.join('\n'), moved, thresholds]);
        row(`app (${when}): open → first page, resolve+undo, regroup, search`, { ...app, note: app.stdout.trim() || app.stderr.slice(-400) });
      }
    }
    if (want('add')) await benchAdd(preload, dataDir, model, seeded, lib, out, row);
    if (rescanFiles > 0 && want('rescan')) await benchRescan(preload, dataDir, rescanFiles, row);
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
  console.table(rows);
  return { n, rows };
}

type Row = (step: string, r: Partial<Run> & { note?: string }) => void;

async function benchAdd(preload: string, dataDir: string, model: ScaleModel, seeded: { nextFamily: number }, lib: string[], out: string, row: Row): Promise<void> {
  // 1,000 photos arrive: half are edits of existing photos, half new families.
  const catalog = Catalog.open(path.join(dataDir, 'catalog.db'));
  const added = await seedScaleLibrary(catalog, { model, root: path.join(dataDir, 'photos'), photos: 1000, firstFamily: seeded.nextFamily, extraMembers: 500 });
  catalog.close();
  const extra: number[] = [];
  for (let i = 0, g = 0; i < 500; g = (g + 7919) % seeded.nextFamily, i++) extra.push(g);
  const sizes = familySizes(model, added.nextFamily, extra);
  const inc = await runChild(preload, [cli, 'dupes', '--json', ...lib], out);
  const q = await familyQuality(out, sizes);
  row('add 1,000 photos → dupes --json', { ...inc, note: `neighbours ${neighbourMs(inc.stderr)}; recall ${q.recall}, mixed ${q.mixed}` });
}

async function benchRescan(preload: string, dataDir: string, files: number, row: Row): Promise<void> {
  const tree = path.join(dataDir, `tree-${files}`);
  const scanDir = path.join(dataDir, `scan-${files}`);
  if (!existsSync(tree)) buildTree(tree, files);
  const args = [cli, 'scan', tree, '--data-dir', scanDir, '--model', await tinyModelDir()];
  if (!existsSync(path.join(scanDir, 'catalog.db'))) {
    const first = await runChild(preload, args);
    row(`scan ${files} files (first)`, { ...first, note: `exit ${first.code}` });
  }
  const again = await runChild(preload, args);
  row(`rescan ${files} unchanged files`, { ...again, note: `exit ${again.code}; ${`${again.stdout}\n${again.stderr}`.split('\n').filter((l) => /unchanged/.test(l)).slice(-1)[0] ?? ''}` });
}
