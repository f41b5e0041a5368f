// One mapping from errors to exit codes: a refusal by code (usage 2, failed 1), anything unexpected is a bug
// (exit 70, with the stack and a request to report it), never the usage code.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reportError } from '../../electron/cli/main.js';
import type { CliCommand, CliIO } from '../../electron/cli/command.js';
import { LookalikeError } from '../../electron/engine/library/index.js';

function io(): { io: CliIO; err: () => string } {
  let text = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
  return { io: { stdout: sink, stderr: sink, env: {}, signal: new AbortController().signal }, err: () => text };
}
const command: CliCommand = { name: 'x', summary: '', usage: 'lookalike x', run: async () => 0 };

describe('reportError', () => {
  it('maps each code once', () => {
    expect(reportError('x', command, new LookalikeError('invalid-request', 'bad flag'), io().io)).toBe(2);
    expect(reportError('x', command, new LookalikeError('no-model', 'no model'), io().io)).toBe(2);
    expect(reportError('x', command, new LookalikeError('failed', 'a file failed'), io().io)).toBe(1);
    expect(reportError('x', command, new LookalikeError('cancelled', 'cancelled'), io().io)).toBe(1);
  });

  it('an unexpected error is an internal error: exit 70, the stack and "please report"', () => {
    const c = io();
    expect(reportError('x', command, new TypeError('undefined is not a function'), c.io)).toBe(70);
    expect(c.err()).toMatch(/internal error: TypeError: undefined is not a function/);
    expect(c.err()).toMatch(/please report/);
  });

  it('usage errors print the usage line; other refusals do not', () => {
    const usage = io();
    reportError('x', command, new LookalikeError('invalid-request', 'bad flag'), usage.io);
    expect(usage.err()).toContain('Usage: lookalike x');
    const missing = io();
    reportError('x', command, new LookalikeError('not-found', 'no library'), missing.io);
    expect(missing.err()).not.toContain('Usage:');
  });
});
