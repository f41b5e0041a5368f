// `lookalike scan` runs under a supervisor: this process forks the same command as a child, which does the scan
// (sharp/libvips, heic-decode and onnxruntime run there, in-process), and watches it. A native crash kills only
// the child; its crash journal (engine/scan/crashJournal.ts) names the file it died on, which the next child
// records as failed with the reason before it starts, and the scan goes on where it was (committed files are
// unchanged, so they are not read again). A file whose decode or model batch runs past the per-file time limit
// (LOOKALIKE_FILE_TIMEOUT_S, default 60) is a hang: the watchdog here kills the child and blames that file.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileTimeoutMs, overdueCalls, readJournal, settleDeath, type Death } from '../engine/library/index.js';
import { ExitCode, type CliIO } from './command.js';

/** Set in the supervised child only: the crash journal its scan writes (internal, not for users). */
export const SCAN_JOURNAL_ENV = 'LOOKALIKE_SCAN_JOURNAL';

/** Every death blames a file or narrows the suspects, so restarts end; this only bounds a pathological folder. */
const MAX_RESTARTS = 200;
const normalExits: ReadonlySet<number> = new Set(Object.values(ExitCode));

/** A scan (not its --help) in a process that is not already the supervised child. */
export function wantsSupervisor(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv[0] === 'scan' && !env[SCAN_JOURNAL_ENV] && !argv.includes('--help') && !argv.includes('-h');
}

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  hung: Death['hung'];
}

function runChild(bin: string, argv: string[], io: CliIO, journal: string, limitMs: number): Promise<ChildRun> {
  // Its own process group, so a terminal's Ctrl-C reaches it once, forwarded from here (Windows has no groups:
  // the console signals both, and a detached child would get a console window of its own).
  const detached = process.platform !== 'win32';
  const child = fork(bin, argv, {
    env: { ...io.env, [SCAN_JOURNAL_ENV]: journal },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    detached,
  });
  let hung: Death['hung'] = [];
  const watchdog = setInterval(() => {
    const overdue = overdueCalls(readJournal(journal), limitMs);
    if (overdue.length === 0 || hung.length > 0) return;
    hung = overdue;
    child.kill('SIGKILL');
  }, Math.min(1000, Math.max(100, limitMs / 4)));
  const interrupt = (): void => {
    if (detached) child.kill('SIGINT');
  };
  io.signal.addEventListener('abort', interrupt, { once: true });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearInterval(watchdog);
      io.signal.removeEventListener('abort', interrupt);
      resolve({ code, signal, hung });
    });
  });
}

/** Runs `lookalike scan …` in a child until it ends on its own; returns its exit code. */
export async function superviseScan(argv: string[], io: CliIO, bin: string): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-scan-'));
  const journal = path.join(dir, 'journal.json');
  const limitMs = fileTimeoutMs(io.env);
  try {
    for (let restarts = 0; ; restarts++) {
      const run = await runChild(bin, argv, io, journal, limitMs);
      if (run.signal === null && run.hung.length === 0 && run.code !== null && normalExits.has(run.code)) return run.code;
      if (io.signal.aborted) {
        io.stderr.write('\nlookalike scan: interrupted; finished files are kept, run `lookalike scan` again to resume\n');
        return ExitCode.someFailed;
      }
      const settled = settleDeath(journal, { signal: run.signal, code: run.code, hung: run.hung, timeoutMs: limitMs });
      io.stderr.write(`\nlookalike scan: ${settled.message}\n`);
      if (!settled.implicated || restarts >= MAX_RESTARTS) {
        io.stderr.write('lookalike scan: not restarting; finished files are kept in the catalog. This is a bug in Lookalike or a library it uses: please report it.\n');
        return ExitCode.internal;
      }
      io.stderr.write('lookalike scan: restarting; finished files are kept and not read again\n');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
