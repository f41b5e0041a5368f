// Two producers of features for the export: files and folders (embedded now), and the catalog (stored vectors
// reused, only the missing ones embedded). Both end in the same path: known vectors first, then the engine.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Engine } from '../engine.js';
import { expandImageInputs } from '../scan/expandInputs.js';
import type { FeatureRow, FeatureSource } from './types.js';

/** What the export needs of an engine (a real one in production and tests; anything with this shape will do). */
export type Embedder = Pick<Engine, 'provenance' | 'pooling' | 'dim' | 'tokens' | 'tokenDim' | 'embedFiles'>;

/** A stored vector for this file as it is now (and the hash it was stored under), or null to compute it. */
export type FeatureLookup = (file: string) => Promise<{ hash: string; vector: Float32Array } | null>;

/** What the export needs of the catalog: its photos under a root, with the stored pooled vector when present. */
export interface CatalogFeatureReader {
  entries(query: { root: string | null; pooled: boolean }): AsyncIterable<{
    path: string;
    hash: string;
    vector: Float32Array | null;
  }>;
}

/** Content hash used in manifests: `sha256:<hex>` of the file's bytes. */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

interface PlannedFile {
  path: string;
  /** Known already (catalog), or computed on the way. */
  hash: string | null;
  cached: Float32Array | null;
}

function rowShapeOf(embedder: Embedder, pooled: boolean): number[] {
  return pooled ? [embedder.dim] : [embedder.tokens, embedder.tokenDim];
}

function sourceFrom(
  embedder: Embedder,
  pooled: boolean,
  count: number,
  plan: (signal?: AbortSignal) => AsyncIterable<PlannedFile>,
): FeatureSource {
  return {
    model: embedder.provenance,
    pooling: pooled ? embedder.pooling : 'none',
    pooled,
    rowShape: rowShapeOf(embedder, pooled),
    expectedRows: count,
    async *rows({ signal }): AsyncGenerator<FeatureRow> {
      const missing = new Map<string, string | null>();
      for await (const file of plan(signal)) {
        if (signal?.aborted) return;
        if (file.cached && file.hash) yield { path: file.path, hash: file.hash, values: file.cached };
        else missing.set(file.path, file.hash);
      }
      if (missing.size === 0) return;
      for await (const item of embedder.embedFiles([...missing.keys()], { pooled, signal })) {
        let hash = missing.get(item.path) ?? null;
        if (!item.ok) {
          yield { path: item.path, hash, error: item.error };
          continue;
        }
        try {
          hash ??= await hashFile(item.path);
        } catch (err) {
          yield { path: item.path, hash: null, error: `cannot read: ${(err as Error).message}` };
          continue;
        }
        yield { path: item.path, hash, values: item.embedding };
      }
    },
  };
}

/** Features of these files and folders; with `lookup` (e.g. the catalog), stored vectors are reused. */
export async function fileFeatureSource(opts: {
  embedder: Embedder;
  inputs: readonly string[];
  pooled: boolean;
  lookup?: FeatureLookup;
}): Promise<FeatureSource> {
  const files = await expandImageInputs(opts.inputs);
  // Stored vectors are pooled ones: token features are always computed.
  const lookup = opts.pooled ? opts.lookup : undefined;
  return sourceFrom(opts.embedder, opts.pooled, files.length, async function* () {
    for (const file of files) {
      if (!lookup) {
        yield { path: file, hash: null, cached: null };
        continue;
      }
      const stored = await lookup(file);
      yield { path: file, hash: stored?.hash ?? null, cached: stored?.vector ?? null };
    }
  });
}

/** Everything the catalog holds (or everything under `root`); only photos without a stored vector are embedded. */
export async function catalogFeatureSource(opts: {
  embedder: Embedder;
  catalog: CatalogFeatureReader;
  root?: string | null;
  pooled: boolean;
}): Promise<FeatureSource> {
  const query = { root: opts.root ?? null, pooled: opts.pooled };
  let count = 0;
  // Counted first so progress and the size estimate know the total; entries carry no vectors' worth of memory.
  for await (const _entry of opts.catalog.entries(query)) count++;
  return sourceFrom(opts.embedder, opts.pooled, count, async function* () {
    for await (const entry of opts.catalog.entries(query)) {
      yield { path: entry.path, hash: entry.hash, cached: entry.vector };
    }
  });
}
