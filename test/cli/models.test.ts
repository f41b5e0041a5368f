import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, type CliIO } from '../../electron/cli/command.js';
import { command } from '../../electron/cli/commands/models.js';
import { readFile } from 'node:fs/promises';
import { tinyModelDir } from '../helpers/models.js';
import { FakeHub } from '../engine/models/fakeHub.js';

function capture(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({ write: (chunk: Buffer, _enc, cb) => (append(chunk.toString()), cb()) });
  const io: CliIO = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: {},
    signal: new AbortController().signal,
  };
  return { io, out: () => out, err: () => err };
}

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lookalike-cli-models-'));
});
afterEach(async () => rm(dataDir, { recursive: true, force: true }));

describe('lookalike models', () => {
  it('imports, lists as JSON, switches and removes', async () => {
    const tiny = await tinyModelDir();
    const imp = capture();
    expect(await command.run(['import', tiny, '--name', 'tiny', '--data-dir', dataDir], imp.io)).toBe(0);
    expect(imp.out()).toMatch(/imported imported\/tiny .* test run ok \(fp32: pooler_output \[1, 64\]\)/);

    const ls = capture();
    expect(await command.run(['list', '--json', '--data-dir', dataDir], ls.io)).toBe(0);
    const listed = JSON.parse(ls.out()) as { selected: unknown; installed: { id: string }[]; registry: { id: string }[] };
    expect(listed.selected).toEqual({ id: 'imported/tiny', dtype: 'fp32' });
    expect(listed.installed.map((m) => m.id)).toEqual(['imported/tiny']);
    expect(listed.registry.map((m) => m.id)).toContain('Xenova/vit-base-patch16-224-in21k');

    const rm1 = capture();
    expect(await command.run(['remove', 'imported/tiny', '--data-dir', dataDir], rm1.io)).toBe(0);
    const use = capture();
    expect(await command.run(['use', 'tiny', '--data-dir', dataDir], use.io)).toBe(1);
    expect(use.err()).toMatch(/tiny is not installed/);
  });

  it('offline download of a missing model fails with a clear message and exit code 1', async () => {
    const c = capture();
    expect(await command.run(['download', 'default', '--offline', '--data-dir', dataDir], c.io)).toBe(1);
    expect(c.err()).toMatch(/offline: Xenova\/vit-base-patch16-224-in21k \(q8\) is not installed/);
  });

  it('rejects bad arguments with a UsageError', async () => {
    await expect(command.run(['download', 'default', '--dtype', 'int4'], capture().io)).rejects.toThrow(UsageError);
    await expect(command.run(['frobnicate'], capture().io)).rejects.toThrow(/unknown models subcommand/);
    await expect(command.run(['download'], capture().io)).rejects.toThrow(/exactly one model id/);
  });

  it('downloads a registry model from HF_ENDPOINT, and rejects bytes that differ from the sha256 the registry pins', async () => {
    const tiny = await tinyModelDir();
    const onnx = await readFile(path.join(tiny, 'onnx', 'model.onnx'));
    const files = {
      'config.json': await readFile(path.join(tiny, 'config.json')),
      'preprocessor_config.json': await readFile(path.join(tiny, 'preprocessor_config.json')),
      'onnx/model_fp16.onnx': onnx,
      'onnx/model_quantized.onnx': onnx,
    };
    const hub = new FakeHub({ 'Xenova/vit-base-patch16-224-in21k': { commit: '096edaa7104fcb9389ba5ecf0751f6d9a3b6eb44', files } });
    const endpoint = await hub.start();
    try {
      // The registry pins no sha256 for the default model's fp16 file: refused unless the user trusts the hub's hash.
      const refused = capture();
      refused.io.env = { HF_ENDPOINT: endpoint };
      expect(await command.run(['download', 'default', '--dtype', 'fp16', '--data-dir', dataDir], refused.io)).toBe(1);
      expect(refused.err()).toMatch(/lacks a pinned sha256 for Xenova\/vit-base-patch16-224-in21k onnx\/model_fp16\.onnx .*--trust-server-hash/);
      const ok = capture();
      ok.io.env = { HF_ENDPOINT: endpoint };
      expect(await command.run(['download', 'default', '--dtype', 'fp16', '--trust-server-hash', '--data-dir', dataDir], ok.io)).toBe(0);
      expect(ok.out()).toMatch(/Xenova\/vit-base-patch16-224-in21k \(fp16\) downloaded/);

      const bad = capture();
      bad.io.env = { HF_ENDPOINT: endpoint };
      expect(await command.run(['download', 'default', '--dtype', 'q8', '--data-dir', dataDir], bad.io)).toBe(1);
      // The registry pins the real file's size and sha256; the tiny file served in its place fails the size pin first.
      expect(bad.err()).toMatch(/received \d+ bytes, the registry pins 87453205/);
    } finally {
      await hub.stop();
    }
  });
});
