// Builds the unpacked Linux app (electron-builder --linux dir) against a stand-in Electron and checks its layout:
// native code outside the asar, no other platform's binaries, the app's files inside, the fuses flipped.
// The real Electron zip cannot be downloaded here, so `electronDist` points at a folder shaped like an unpacked
// Electron for linux-x64 whose `electron` is a shell script carrying a copy of Electron's fuse wire. That proves what
// electron-builder does with our config (files, asar, unpack, fuses); it cannot prove the real binary runs the app.
//
//   node scripts/check-packaging.ts [--compare-unfiltered] [--keep]     (after `npm run build`)
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

const require = createRequire(import.meta.url);
// electron-builder's own asar library (a dependency of app-builder-lib), so we read archives the way it writes them.
const asar = require('@electron/asar') as typeof import('@electron/asar');
const yaml = require('js-yaml') as { load(text: string): unknown; dump(value: unknown): string };
const run = promisify(execFile);

// The repository root, whether this runs from scripts/ or compiled into dist/scripts/.
const REPO = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'electron-builder.yml'))) {
    if (path.dirname(dir) === dir) throw new Error('cannot find electron-builder.yml above scripts/check-packaging');
    dir = path.dirname(dir);
  }
  return dir;
})();
const ONNX_LINUX_X64 = 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
// @electron/fuses looks for this sentinel, then a version byte, a length byte and one byte per fuse.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults, one '0'/'1' per FuseV1Options entry: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
// inspect flags on, asar integrity off, only-asar off, browser V8 snapshot off, file:// privileges on, wasm traps on.
export const STAND_IN_FUSE_WIRE = '101100011';

/** An unpacked "Electron for linux-x64" with nothing real in it: what electron-builder copies, renames and fuse-flips. */
export async function makeStandInElectron(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron from scripts/check-packaging.ts: it cannot run an app" >&2\nexit 1\n# '),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, STAND_IN_FUSE_WIRE.length]),
    Buffer.from(`${STAND_IN_FUSE_WIRE}\n`),
  ]);
  await writeFile(path.join(dir, 'electron'), script);
  await chmod(path.join(dir, 'electron'), 0o755);
  const { version } = JSON.parse(await readFile(path.join(REPO, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  await writeFile(path.join(dir, 'version'), version);
  await writeFile(path.join(dir, 'LICENSE'), 'stand-in for Electron’s MIT licence\n');
  return dir;
}

export interface BuildResult {
  appOutDir: string;
  log: string;
  seconds: number;
}

/**
 * Runs the electron-builder CLI on this repository into outDir. With configFile, that file replaces electron-builder.yml
 * (and must name electronDist and directories.output itself: the CLI's `-c.x` flags and `--config` are one option).
 */
export async function buildLinuxUnpacked(electronDist: string, outDir: string, configFile?: string): Promise<BuildResult> {
  if (!existsSync(path.join(REPO, 'dist/electron/main/main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const cli = require.resolve('electron-builder/cli.js');
  const config = configFile ? ['--config', configFile] : [`-c.electronDist=${electronDist}`, `-c.directories.output=${outDir}`];
  const started = performance.now();
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, '--linux', 'dir', '--x64', '--publish', 'never', ...config], {
      cwd: REPO,
      maxBuffer: 64 * 1024 * 1024,
      // builder-util goes quiet when it sees VITEST, and its log is what shows that the fuses step ran.
      env: { ...process.env, FORCE_COLOR: '0', VITEST: '' },
    });
    return { appOutDir: path.join(outDir, 'linux-unpacked'), log: stdout + stderr, seconds: (performance.now() - started) / 1000 };
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    // An ENOENT under dist/ here usually means dist/ was being rebuilt at the same time.
    throw new Error(`electron-builder failed:\n${(stdout + stderr).slice(-4000)}`);
  }
}

/** A `files` pattern that keeps another platform's (or architecture's) native binaries out of one platform's build. */
export const isPlatformFilter = (pattern: string): boolean => /onnxruntime-node\/bin\/napi-v6\/|usearch\/prebuilds\/|trash\/lib\/macos-trash/.test(pattern);

/** electron-builder.yml with each platform's binary filters taken out, to measure what they save. */
export async function writeUnfilteredConfig(file: string, electronDist: string, outDir: string): Promise<string> {
  const config = yaml.load(await readFile(path.join(REPO, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
  for (const platform of ['linux', 'win', 'mac']) {
    const options = config[platform] as { files: string[] };
    options.files = options.files.filter((pattern) => !isPlatformFilter(pattern));
  }
  const directories = config['directories'] as Record<string, string>;
  await writeFile(file, yaml.dump({ ...config, electronDist, directories: { ...directories, output: outDir } }));
  return file;
}

export interface ArchivedFile {
  /** Relative to the app root, e.g. `node_modules/sharp/package.json`. */
  path: string;
  size: number;
  /** Listed in the asar but stored beside it, in app.asar.unpacked/. */
  unpacked: boolean;
}

export interface Layout {
  appOutDir: string;
  executable: string;
  archived: ArchivedFile[];
  /** Files really present under app.asar.unpacked/, relative to it. */
  unpackedOnDisk: string[];
  asarBytes: number;
  unpackedBytes: number;
  /** Everything in the output folder but the stand-in Electron's own files: what our app adds. */
  appBytes: number;
  /** Fuse index to its byte in the packaged executable ('0', '1', ...). */
  fuses: Record<number, string>;
}

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  size?: number;
  unpacked?: boolean;
  link?: string;
}

function flattenHeader(node: HeaderNode, prefix: string, into: ArchivedFile[]): ArchivedFile[] {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (child.files) flattenHeader(child, rel, into);
    else if (child.link === undefined) into.push({ path: rel, size: child.size ?? 0, unpacked: child.unpacked === true });
  }
  return into;
}

async function listFiles(dir: string): Promise<{ rel: string; size: number }[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => ({ rel: path.relative(dir, file).split(path.sep).join('/'), size: (await stat(file)).size })));
}

export async function inspectLayout(appOutDir: string, executableName = 'lookalike'): Promise<Layout> {
  const resources = path.join(appOutDir, 'resources');
  const asarFile = path.join(resources, 'app.asar');
  const archived = existsSync(asarFile) ? flattenHeader(asar.getRawHeader(asarFile).header as HeaderNode, '', []) : [];
  const unpacked = await listFiles(path.join(resources, 'app.asar.unpacked'));
  const all = await listFiles(appOutDir);
  const standIn = new Set([executableName, 'version', 'LICENSE.electron.txt']);
  const executable = path.join(appOutDir, executableName);
  const wire = existsSync(executable) ? await getCurrentFuseWire(executable) : { version: '0' };
  const fuses = Object.fromEntries(Object.entries(wire).filter(([key]) => key !== 'version').map(([key, value]) => [Number(key), String.fromCharCode(value as number)]));
  const sum = (files: { size: number }[]): number => files.reduce((total, file) => total + file.size, 0);
  return {
    appOutDir,
    executable,
    archived,
    unpackedOnDisk: unpacked.map((file) => file.rel),
    asarBytes: existsSync(asarFile) ? (await stat(asarFile)).size : 0,
    unpackedBytes: sum(unpacked),
    appBytes: sum(all.filter((file) => !standIn.has(file.rel))),
    fuses,
  };
}

export interface Check {
  id: string;
  ok: boolean;
  detail: string;
}

/** What electron-builder.yml's electronFuses should leave in the wire: fuse index to '0' or '1'. */
export async function expectedFuses(): Promise<Record<number, string>> {
  const config = yaml.load(await readFile(path.join(REPO, 'electron-builder.yml'), 'utf8')) as { electronFuses: Record<string, boolean> };
  const expected: Record<number, string> = {};
  STAND_IN_FUSE_WIRE.split('').forEach((state, index) => (expected[index] = state));
  for (const [key, enabled] of Object.entries(config.electronFuses)) {
    const index = FuseV1Options[(key[0]!.toUpperCase() + key.slice(1)) as keyof typeof FuseV1Options];
    if (index === undefined) throw new Error(`electronFuses.${key} is not a fuse @electron/fuses knows`);
    expected[index] = String.fromCharCode(enabled ? FuseState.ENABLE : FuseState.DISABLE);
  }
  return expected;
}

export const CHECK_IDS = [
  'app.asar exists',
  'onnxruntime linux-x64 binding and library unpacked',
  'no other platform or arch onnxruntime',
  'sharp addon and libvips unpacked',
  'usearch linux-x64 prebuild unpacked, no others',
  'every .node file unpacked',
  'app code inside the asar',
  'model registry reachable from the engine',
  'no sources, tests or caches packed',
  'fuses flipped as configured',
] as const;

export function checkLayout(layout: Layout, fuses: Record<number, string>): Check[] {
  const onDisk = new Set(layout.unpackedOnDisk);
  const inAsar = new Set(layout.archived.filter((file) => !file.unpacked).map((file) => file.path));
  const everywhere = [...layout.archived.map((file) => file.path), ...layout.unpackedOnDisk];
  const list = (paths: string[]): string => (paths.length ? paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, … (${paths.length})` : '') : 'none');
  const unpackedMatching = (re: RegExp): string[] => layout.unpackedOnDisk.filter((file) => re.test(file));
  const onnx = [`${ONNX_LINUX_X64}/onnxruntime_binding.node`, `${ONNX_LINUX_X64}/libonnxruntime.so.1`];
  const foreignOnnx = everywhere.filter((file) => /onnxruntime-node\/bin\/napi-v6\//.test(file) && !file.includes('/linux/x64/'));
  const sharp = [...unpackedMatching(/^node_modules\/@img\/sharp-linux-x64\/.*\.node$/), ...unpackedMatching(/^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/.*\.so[.\d]*$/)];
  const usearch = layout.archived.map((file) => file.path).filter((file) => /usearch\/prebuilds\/[^/]+\/.*\.node$/.test(file));
  const packedNative = layout.archived.filter((file) => !file.unpacked && /\.node$|\.so(\.\d+)*$/.test(file.path)).map((file) => file.path);
  const appCode = ['package.json', 'dist/electron/main/main.js', 'dist/electron/preload/preload.cjs', 'dist/renderer/index.html'];
  const strays = [...inAsar].filter((file) => /^(electron|renderer|test|bench|scripts|\.cache|dist\/\.cache|dist\/test|dist\/bench|dist\/electron\/cli|test-artifacts)\//.test(file) || file.endsWith('.map'));
  const wrongFuses = Object.entries(fuses).filter(([index, state]) => layout.fuses[Number(index)] !== state);
  return [
    { id: CHECK_IDS[0], ok: layout.asarBytes > 0, detail: `${(layout.asarBytes / 1e6).toFixed(1)} MB` },
    { id: CHECK_IDS[1], ok: onnx.every((file) => onDisk.has(file) && !inAsar.has(file)), detail: onnx.map((f) => `${f}: ${onDisk.has(f) ? 'on disk' : 'MISSING'}`).join('; ') },
    { id: CHECK_IDS[2], ok: foreignOnnx.length === 0, detail: list(foreignOnnx) },
    { id: CHECK_IDS[3], ok: sharp.some((f) => f.endsWith('.node')) && sharp.some((f) => /\.so/.test(f)), detail: list(sharp) },
    { id: CHECK_IDS[4], ok: usearch.length === 1 && usearch[0]!.includes('/linux-x64/') && onDisk.has(usearch[0]!), detail: list(usearch) },
    { id: CHECK_IDS[5], ok: packedNative.length === 0, detail: `packed inside the asar: ${list(packedNative)}` },
    { id: CHECK_IDS[6], ok: appCode.every((file) => inAsar.has(file)), detail: appCode.map((f) => `${f}: ${inAsar.has(f) ? 'yes' : 'MISSING'}`).join('; ') },
    // findRegistryFile() walks up from dist/electron/engine/models/ to the app root's resources/models.json.
    { id: CHECK_IDS[7], ok: inAsar.has('resources/models.json') && inAsar.has('dist/electron/engine/models/registry.js'), detail: 'app.asar/resources/models.json' },
    { id: CHECK_IDS[8], ok: strays.length === 0, detail: list(strays) },
    { id: CHECK_IDS[9], ok: wrongFuses.length === 0, detail: Object.entries(layout.fuses).map(([i, s]) => `${FuseV1Options[Number(i)]}=${s}`).join(' ') },
  ];
}

/**
 * Loads the packaged modules under plain Node from an extracted copy of the asar (unpacked files included): proves the
 * packed file set is complete and the Linux x64 binaries load. It cannot prove Electron's asar redirection.
 */
export async function smokeLoadExtracted(layout: Layout, into: string): Promise<Record<string, unknown>> {
  asar.extractAll(path.join(layout.appOutDir, 'resources/app.asar'), into);
  const probe = `
    const sharp = (await import('sharp')).default;
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } }).png().toBuffer();
    const ort = await import('onnxruntime-node');
    const tensor = new ort.Tensor('float32', new Float32Array(4), [2, 2]);
    const { Index } = await import('usearch');
    const index = new Index({ dimensions: 4, metric: 'cos' });
    index.add(1n, new Float32Array([1, 0, 0, 0]));
    await import('heic-decode');
    const { findRegistryFile, loadRegistry } = await import('./dist/electron/engine/models/index.js');
    const registry = await loadRegistry();
    const { createEngine } = await import('./dist/electron/engine/engine.js');
    console.log(JSON.stringify({ sharpPng: png.length, ortTensor: tensor.dims, usearchSize: Number(index.size()),
      registry: findRegistryFile().slice(process.cwd().length + 1), models: registry.models.length, createEngine: typeof createEngine }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: into });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

function biggestUnpacked(layout: Layout): string {
  const byPackage = new Map<string, number>();
  for (const file of layout.archived.filter((f) => f.unpacked)) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file.path)?.[1] ?? file.path;
    byPackage.set(name, (byPackage.get(name) ?? 0) + file.size);
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => `    ${name}: ${mb(bytes)}`).join('\n');
}

async function main(args: string[]): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'lookalike-packaging-'));
  try {
    const electronDist = await makeStandInElectron(path.join(work, 'electron-dist'));
    const build = await buildLinuxUnpacked(electronDist, path.join(work, 'out'));
    const layout = await inspectLayout(build.appOutDir);
    const checks = checkLayout(layout, await expectedFuses());
    console.log(`electron-builder --linux dir with a stand-in Electron (${electronDist}): ${build.seconds.toFixed(1)} s`);
    for (const check of checks) console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.id}: ${check.detail}`);
    console.log(`  fuse log line: ${/executing @electron\/fuses.*/.exec(build.log)?.[0] ?? 'NOT FOUND'}`);
    console.log(`  smoke load from the extracted asar: ${JSON.stringify(await smokeLoadExtracted(layout, path.join(work, 'extracted')))}`);
    console.log(`sizes: app.asar ${mb(layout.asarBytes)}, app.asar.unpacked ${mb(layout.unpackedBytes)}, app total ${mb(layout.appBytes)} (${layout.archived.length} files; Electron itself not counted)`);
    console.log(`  unpacked by package:\n${biggestUnpacked(layout)}`);
    if (args.includes('--compare-unfiltered')) {
      const outDir = path.join(work, 'out-unfiltered');
      const config = await writeUnfilteredConfig(path.join(work, 'unfiltered.yml'), electronDist, outDir);
      const unfiltered = await inspectLayout((await buildLinuxUnpacked(electronDist, outDir, config)).appOutDir);
      console.log(`without the platform filters: app.asar.unpacked ${mb(unfiltered.unpackedBytes)}, app total ${mb(unfiltered.appBytes)} (+${mb(unfiltered.appBytes - layout.appBytes)})`);
      console.log(`  unpacked by package:\n${biggestUnpacked(unfiltered)}`);
    }
    return checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    if (args.includes('--keep')) console.log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
