// Imports flow one way (ARCHITECTURE.md): engine → nothing in the app; cli, main → engine, shared;
// preload → shared; renderer → shared (types only, plus the dependency-free constants in methods.ts).
// A regex scan of import specifiers is enough here: every file is ESM TypeScript with static imports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/photos.js';
import { functionSizes, lineCount, sourceFilesUnder } from './support/codeSize.js';

function sourceFiles(dir: string): string[] {
  const abs = path.join(repoRoot, dir);
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|svelte)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => path.join(abs, f))
    .filter((f) => statSync(f).isFile());
}

interface ImportRef {
  file: string;
  spec: string;
  typeOnly: boolean;
}

function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4];
    if (spec) refs.push({ file, spec, typeOnly: Boolean(m[2]) });
  }
  return refs;
}

/** The top-level layer a relative import lands in, e.g. 'engine', 'shared', 'cli'. */
function layerOf(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const target = path.relative(repoRoot, path.resolve(path.dirname(from), spec));
  const parts = target.split(path.sep);
  if (parts[0] === 'electron') return parts[1] ?? null;
  return parts[0] ?? null;
}

function violations(dir: string, allowed: (ref: ImportRef, layer: string | null) => boolean): string[] {
  return sourceFiles(dir)
    .flatMap(importsOf)
    .filter((ref) => !allowed(ref, layerOf(ref.file, ref.spec)))
    .map((ref) => `${path.relative(repoRoot, ref.file)} imports ${ref.spec}`);
}

describe('layering', () => {
  // shared/values.ts is the one exception: the dependency-free value lists the engine's types derive from.
  const isValues = (spec: string) => /\/shared\/values(\.js)?$/.test(spec);
  it('the engine imports nothing from the app (but the value lists) and never electron', () => {
    expect(
      violations('electron/engine', (ref, layer) => ref.spec !== 'electron' && (layer === null || layer === 'engine' || isValues(ref.spec))),
    ).toEqual([]);
  });

  it('the value lists import nothing at all', () => {
    expect(importsOf(path.join(repoRoot, 'electron/shared/values.ts'))).toEqual([]);
  });

  // The front ends reach the engine through its public entries only: the Library facade (with its types and the
  // one error type) and the model manager.
  const PUBLIC_ENGINE_ENTRIES = ['electron/engine/library/index.ts', 'electron/engine/models/index.ts'];
  const engineEntry = (ref: ImportRef): string =>
    path.relative(repoRoot, path.resolve(path.dirname(ref.file), ref.spec)).replace(/\.js$/, '.ts');
  const throughPublicEntries = (ref: ImportRef, layer: string | null) => layer !== 'engine' || PUBLIC_ENGINE_ENTRIES.includes(engineEntry(ref));

  it('the CLI uses the engine through its public entries (and the value lists), never electron, main or the renderer', () => {
    expect(
      violations('electron/cli', (ref, layer) =>
        ref.spec !== 'electron' && (layer === null || layer === 'cli' || isValues(ref.spec) || (layer === 'engine' && throughPublicEntries(ref, layer)))),
    ).toEqual([]);
  });

  it('main uses the engine only through its public entries, and shared; never the CLI or the renderer', () => {
    expect(
      violations('electron/main', (ref, layer) => layer === null || ['main', 'shared'].includes(layer) || (layer === 'engine' && throughPublicEntries(ref, layer))),
    ).toEqual([]);
  });

  it('the engine process uses the Library facade and the contract, nothing of main or electron', () => {
    expect(
      violations('electron/engineProcess', (ref, layer) =>
        ref.spec !== 'electron' && (layer === null || ['engineProcess', 'shared'].includes(layer) || (layer === 'engine' && throughPublicEntries(ref, layer)))),
    ).toEqual([]);
  });

  it('the front ends name at most three public entries of the engine', () => {
    const used = new Set(
      ['electron/cli', 'electron/main', 'electron/engineProcess']
        .flatMap((dir) => sourceFiles(dir).flatMap(importsOf))
        .filter((ref) => layerOf(ref.file, ref.spec) === 'engine')
        .map(engineEntry),
    );
    expect(used.size).toBeLessThanOrEqual(3);
  });

  it('shared is the contract: it imports the Library types and settings schema, never main, the CLI or the renderer', () => {
    expect(
      violations('electron/shared', (ref, layer) =>
        layer === null || layer === 'shared' || (layer === 'engine' && ['electron/engine/library/types.ts', 'electron/engine/library/settings.ts'].includes(engineEntry(ref)))),
    ).toEqual([]);
  });

  it('the preload imports only electron and shared', () => {
    expect(
      violations('electron/preload', (ref, layer) =>
        layer === null ? ['electron', 'rolldown', 'node:path', 'node:url'].includes(ref.spec) : ['preload', 'shared'].includes(layer),
      ),
    ).toEqual([]);
  });

  it('the renderer takes only types from shared (plus its dependency-free constants), nothing from engine or main', () => {
    expect(
      violations('renderer', (ref, layer) => {
        if (layer === null || layer === 'renderer') return true;
        if (layer !== 'shared') return false;
        return ref.typeOnly || ref.spec.endsWith('/methods.js') || ref.spec.endsWith('/methods') || isValues(ref.spec);
      }),
    ).toEqual([]);
  });
});

// Small modules and short functions (issue: one library core): limits a reviewer can hold in their head.
describe('size', () => {
  const MAX_FILE_LINES = 350;
  const MAX_FUNCTION_LINES = 60;
  const MAX_MAIN_LINES = 1600;
  const files = [...sourceFilesUnder(repoRoot, 'electron'), ...sourceFilesUnder(repoRoot, 'renderer')];
  const rel = (f: string) => path.relative(repoRoot, f);

  it(`no file in electron/ or renderer/ is over ${MAX_FILE_LINES} lines`, () => {
    expect(files.filter((f) => lineCount(f) > MAX_FILE_LINES).map((f) => `${rel(f)}: ${lineCount(f)}`)).toEqual([]);
  });

  it(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = files.flatMap(functionSizes).filter((s) => s.lines > MAX_FUNCTION_LINES);
    expect(long.map((s) => `${rel(s.file)}:${s.line} ${s.name} (${s.lines} lines)`)).toEqual([]);
  });

  it(`electron/main holds at most ${MAX_MAIN_LINES} lines`, () => {
    const total = sourceFilesUnder(repoRoot, 'electron/main').reduce((n, f) => n + lineCount(f), 0);
    expect(total).toBeLessThanOrEqual(MAX_MAIN_LINES);
  });

  it('the measure sees a long function (it can fail)', () => {
    const sizes = functionSizes(path.join(repoRoot, 'test/support/codeSize.ts'));
    expect(sizes.find((s) => s.name === 'functionSizes')?.lines).toBeGreaterThan(10);
  });
});

// Entries main starts by URL (the engine process) are imported by nothing, so only the build config includes
// them: the built app must hold each one (npm test builds first).
describe('build', () => {
  it('every module main loads by URL is compiled into dist/', () => {
    const main = readFileSync(path.join(repoRoot, 'electron/main/main.ts'), 'utf8');
    const urls = [...main.matchAll(/new URL\('([^']+\.js)', import\.meta\.url\)/g)].map((m) => m[1]!);
    expect(urls).toContain('../engineProcess/entry.js');
    for (const rel of urls) expect(statSync(path.join(repoRoot, 'dist/electron/main', rel)).isFile()).toBe(true);
  });
});
