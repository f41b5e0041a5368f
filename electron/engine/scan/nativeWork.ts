// The scanning process's side of the crash journal (crashJournal.ts): every decode and every model batch is
// written down before it starts and crossed out when it ends, with one synchronous write each, so the record is
// on disk at the moment a native library takes the process down. Suspects of an earlier crash run alone.
//
// Test-only faults, read only when NODE_ENV=test: LOOKALIKE_TEST_CRASH_ON=<basename> aborts the process
// (process.abort(), SIGABRT, as a native crash would) when decoding that file; LOOKALIKE_TEST_HANG_ON=<basename>
// blocks the process's main thread for good there, as a decoder stuck in a loop would.
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { readJournal, type CrashVerdict, type NativeCall, type NativeStage } from './crashJournal.js';

export interface NativeWork {
  /** Runs one native call on these files, recorded while it runs; `alone`: with no other native call at all. */
  run<T>(stage: NativeStage, paths: readonly string[], fn: () => Promise<T>, alone?: boolean): Promise<T>;
  /** A suspect of an earlier crash: decoded and embedded alone. */
  isSuspect(path: string): boolean;
  /** Ends the record; a finished scan has tried every suspect, so they are dropped then. */
  close(finished: boolean): void;
}

/** Without a supervisor there is no one to read a record: native calls just run. */
export const untrackedWork: NativeWork = {
  run: (_stage, _paths, fn) => fn(),
  isSuspect: () => false,
  close: () => undefined,
};

interface TestFaults {
  crashOn: string | null;
  hangOn: string | null;
}

function testFaults(env: NodeJS.ProcessEnv): TestFaults {
  if (env['NODE_ENV'] !== 'test') return { crashOn: null, hangOn: null };
  return { crashOn: env['LOOKALIKE_TEST_CRASH_ON'] || null, hangOn: env['LOOKALIKE_TEST_HANG_ON'] || null };
}

export class JournaledWork implements NativeWork {
  readonly #fd: number;
  readonly #calls = new Map<number, NativeCall>();
  readonly #suspects: Set<string>;
  readonly #faults: TestFaults;
  #nextId = 1;
  #written = 0;
  // A shared/exclusive gate: ordinary calls share it, a suspect's call holds it alone.
  #active = 0;
  #exclusive = false;
  #wantExclusive = 0;
  #wake: (() => void)[] = [];

  /** Verdicts of earlier deaths, for the scan to record as failed files before it starts. */
  readonly verdicts: CrashVerdict[];

  private constructor(file: string, env: NodeJS.ProcessEnv) {
    const state = readJournal(file);
    this.verdicts = state.verdicts;
    // Calls still listed were cut short by a death no supervisor settled (the app was killed): suspects.
    const blamed = new Set(state.verdicts.map((v) => v.path));
    this.#suspects = new Set([...state.suspects, ...state.inFlight.flatMap((c) => c.paths)].filter((p) => !blamed.has(p)));
    this.#faults = testFaults(env);
    this.#fd = openSync(file, 'w');
    this.#write();
  }

  static open(file: string, env: NodeJS.ProcessEnv = process.env): JournaledWork {
    return new JournaledWork(file, env);
  }

  isSuspect(file: string): boolean {
    return this.#suspects.has(file);
  }

  async run<T>(stage: NativeStage, paths: readonly string[], fn: () => Promise<T>, alone = false): Promise<T> {
    await this.#acquire(alone);
    const id = this.#nextId++;
    this.#calls.set(id, { stage, paths: [...paths], since: Date.now() });
    try {
      this.#write();
      if (stage === 'decode') this.#injectFault(paths);
      return await fn();
    } finally {
      this.#calls.delete(id);
      this.#write();
      this.#release(alone);
    }
  }

  close(finished: boolean): void {
    if (finished) this.#suspects.clear();
    this.verdicts.length = 0;
    this.#write();
    closeSync(this.#fd);
  }

  /** The whole state in one write at offset 0, padded over the last one: a reader sees one state or the next. */
  #write(): void {
    const text = JSON.stringify({ inFlight: [...this.#calls.values()], verdicts: this.verdicts, suspects: [...this.#suspects] });
    const buf = Buffer.from(text.padEnd(this.#written));
    writeSync(this.#fd, buf, 0, buf.length, 0);
    this.#written = buf.length;
  }

  #injectFault(paths: readonly string[]): void {
    const names = paths.map((p) => path.basename(p));
    if (this.#faults.crashOn && names.includes(this.#faults.crashOn)) process.abort();
    if (this.#faults.hangOn && names.includes(this.#faults.hangOn)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }

  async #acquire(alone: boolean): Promise<void> {
    if (alone) this.#wantExclusive++;
    while (this.#exclusive || (alone ? this.#active > 0 : this.#wantExclusive > 0)) await new Promise<void>((r) => this.#wake.push(r));
    if (alone) {
      this.#wantExclusive--;
      this.#exclusive = true;
    }
    this.#active++;
  }

  #release(alone: boolean): void {
    this.#active--;
    if (alone) this.#exclusive = false;
    const wake = this.#wake;
    this.#wake = [];
    for (const resume of wake) resume();
  }
}
