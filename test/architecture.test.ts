// Imports flow one way (ARCHITECTURE.md): engine → nothing in the app; cli, main → engine, shared;
// preload → shared; renderer → shared (types only, plus the dependency-free constants in methods.ts).
// A regex scan of import specifiers is enough here: every file is ESM TypeScript with static imports.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/photos.js';

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
  it('the engine imports nothing from the app and never electron', () => {
    expect(
      violations('electron/engine', (ref, layer) => ref.spec !== 'electron' && (layer === null || layer === 'engine')),
    ).toEqual([]);
  });

  it('the CLI uses the engine, never electron, main or the renderer', () => {
    expect(
      violations('electron/cli', (ref, layer) => ref.spec !== 'electron' && (layer === null || ['cli', 'engine'].includes(layer))),
    ).toEqual([]);
  });

  it('main uses the engine and shared, never the CLI or the renderer', () => {
    expect(violations('electron/main', (_ref, layer) => layer === null || ['main', 'engine', 'shared'].includes(layer))).toEqual(
      [],
    );
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
        return ref.typeOnly || ref.spec.endsWith('/methods.js') || ref.spec.endsWith('/methods');
      }),
    ).toEqual([]);
  });
});
