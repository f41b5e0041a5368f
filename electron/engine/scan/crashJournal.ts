// The scan's crash journal: a small JSON file naming the files in native work right now (sharp/libvips,
// heic-decode, onnxruntime), which a supervisor (the CLI's `scan` parent, the app's engine host) reads after the
// scanning process died or hung. A segfault cannot be caught in the process it kills, so the only way to pin it
// on a file is a record written before the native call and read by someone else afterwards.
//
// After a death, settleDeath() turns what was in flight into verdicts and suspects for the next run:
//   - one file in flight: that file did it; it becomes a failed row with the reason, never decoded again until
//     its size or mtime changes (a rescan reports the stored verdict without opening it);
//   - several (two decodes and a batch can overlap): none is blamed; they become suspects, which the next run
//     decodes and embeds alone, so a second crash names exactly one file. Nothing is retried blindly.
//   - a hang (a call past the per-file time limit, found by the supervisor's watchdog, which then kills the
//     process): the same, with the time limit as the reason.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export type NativeStage = 'decode' | 'embed';

export interface NativeCall {
  stage: NativeStage;
  paths: string[];
  /** Date.now() when it started. */
  since: number;
}

export interface CrashVerdict {
  path: string;
  reason: string;
}

export interface JournalState {
  inFlight: NativeCall[];
  /** Files to record as failed before the next run touches anything. */
  verdicts: CrashVerdict[];
  /** Files to process alone in the next run. */
  suspects: string[];
}

/** The per-file limit on native work, in seconds: LOOKALIKE_FILE_TIMEOUT_S (default 60). */
export const FILE_TIMEOUT_ENV = 'LOOKALIKE_FILE_TIMEOUT_S';
export const DEFAULT_FILE_TIMEOUT_MS = 60_000;

export function fileTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env[FILE_TIMEOUT_ENV]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_FILE_TIMEOUT_MS;
}

export const emptyJournal = (): JournalState => ({ inFlight: [], verdicts: [], suspects: [] });

/** The journal's state; a missing or unreadable file reads as empty (there is nothing to recover then). */
export function readJournal(file: string): JournalState {
  let parsed: Partial<JournalState>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<JournalState>;
  } catch {
    return emptyJournal();
  }
  return {
    inFlight: Array.isArray(parsed.inFlight) ? parsed.inFlight : [],
    verdicts: Array.isArray(parsed.verdicts) ? parsed.verdicts : [],
    suspects: Array.isArray(parsed.suspects) ? parsed.suspects : [],
  };
}

/** The supervisor's write, between two runs (nothing else writes then): a whole new file, renamed into place. */
export function writeJournal(file: string, state: JournalState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** Calls past the limit; a batch gets it once per file, since a slow model is slow for every file in it. */
export function overdueCalls(state: JournalState, limitMs: number, now = Date.now()): NativeCall[] {
  return state.inFlight.filter((c) => now - c.since > limitMs * Math.max(1, c.paths.length));
}

export interface Death {
  /** The signal that ended it (SIGSEGV, SIGABRT; SIGKILL when the watchdog stopped a hang), else null. */
  signal: string | null;
  code: number | null;
  /** The calls the watchdog found past the limit before it killed the process; empty for a crash. */
  hung: NativeCall[];
  timeoutMs: number;
}

export interface Settled {
  /** What the supervisor tells the user (one line). */
  message: string;
  /** The files blamed by this death. */
  verdicts: CrashVerdict[];
  /** True when the death implicated at least one file, so a restart makes progress. */
  implicated: boolean;
}

const AFTER = 'it is skipped until the file changes';
const who = (stage: NativeStage): string => (stage === 'decode' ? 'the decoder' : 'the model (onnxruntime)');

function blame(calls: NativeCall[], death: Death): { verdicts: CrashVerdict[]; suspects: string[] } {
  const paths = [...new Set(calls.flatMap((c) => c.paths))];
  if (paths.length !== 1) return { verdicts: [], suspects: paths };
  const { stage } = calls.find((c) => c.paths.includes(paths[0]!))!;
  const reason =
    death.hung.length > 0
      ? `${who(stage)} did not finish this file within ${Math.round(death.timeoutMs / 1000)} s and was stopped; ${AFTER}`
      : `${who(stage)} crashed on this file (${death.signal ?? `exit code ${death.code}`}); ${AFTER}`;
  return { verdicts: [{ path: paths[0]!, reason }], suspects: [] };
}

function describe(death: Death, verdicts: CrashVerdict[], suspects: string[]): string {
  const limit = `${Math.round(death.timeoutMs / 1000)} s`;
  const retry = 'each is retried alone to find the one at fault';
  if (death.hung.length > 0) {
    return verdicts.length > 0
      ? `the engine was stopped: ${verdicts[0]!.path} did not finish within ${limit}; that file is marked failed`
      : `the engine was stopped: ${suspects.length} files did not finish within ${limit}; ${retry}`;
  }
  const how = `crashed (${death.signal ?? `exit code ${death.code}`})`;
  if (verdicts.length > 0) return `the engine ${how} on ${verdicts[0]!.path}: that file is marked failed`;
  if (suspects.length > 0) return `the engine ${how} with ${suspects.length} files in work: ${retry}`;
  return `the engine ${how} outside any file's decoding or embedding`;
}

/** After the scanning process died: blames what was in flight, writes the journal for the next run. */
export function settleDeath(file: string, death: Death): Settled {
  const state = readJournal(file);
  const calls = death.hung.length > 0 ? death.hung : state.inFlight;
  const { verdicts, suspects } = blame(calls, death);
  const blamed = new Set(verdicts.map((v) => v.path));
  // Work in flight beside a hang is innocent: only the overdue call is blamed; the rest simply runs again.
  const keptSuspects = [...new Set([...state.suspects, ...suspects])].filter((p) => !blamed.has(p));
  writeJournal(file, { inFlight: [], verdicts: [...state.verdicts.filter((v) => !blamed.has(v.path)), ...verdicts], suspects: keptSuspects });
  return { message: describe(death, verdicts, suspects), verdicts, implicated: verdicts.length + suspects.length > 0 };
}
