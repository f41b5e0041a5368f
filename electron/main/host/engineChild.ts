// The one place that knows what kind of process the engine runs in: Electron's utilityProcess when main is
// Electron's browser process, Node's child_process.fork under plain Node (main's tests, the e2e harness). Either
// way the host sends and receives the same structured-clone messages (shared/rpc.ts) and learns how it ended.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import type { FromEngine, ToEngine } from '../../shared/rpc.js';

export interface ChildExit {
  code: number | null;
  /** The signal that ended it (Node children only; a utility process reports a code). */
  signal: string | null;
}

export interface ChildEvents {
  message(msg: FromEngine): void;
  exit(exit: ChildExit): void;
}

export interface EngineChild {
  send(msg: ToEngine): void;
  /** Asks it to close (its jobs stop and keep their work), and kills it if it has not ended within `graceMs`. */
  stop(graceMs: number): Promise<void>;
  /** Ends it at once (the watchdog's answer to a hang). */
  kill(): void;
}

interface UtilityProcessLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  kill(): boolean;
}

type UtilityFork = (modulePath: string, args: string[], options: { env: NodeJS.ProcessEnv; serviceName: string; stdio: 'inherit' }) => UtilityProcessLike;

function electronUtilityFork(): UtilityFork | null {
  if (!process.versions.electron || (process as NodeJS.Process & { type?: string }).type !== 'browser') return null;
  const electron = createRequire(import.meta.url)('electron') as { utilityProcess: { fork: UtilityFork } };
  return electron.utilityProcess.fork.bind(electron.utilityProcess);
}

function exited(on: (listener: () => void) => void): Promise<void> {
  return new Promise((resolve) => on(resolve));
}

function spawnUtility(utilityFork: UtilityFork, entry: string, env: NodeJS.ProcessEnv, events: ChildEvents): EngineChild {
  const child = utilityFork(entry, [], { env, serviceName: 'Lookalike engine', stdio: 'inherit' });
  const ended = exited((resolve) => child.on('exit', resolve));
  child.on('message', (msg) => events.message(msg as FromEngine));
  child.on('exit', (code) => events.exit({ code, signal: null }));
  return {
    send: (msg) => child.postMessage(msg),
    // A utility process has no channel to close: it is killed; the catalog (SQLite WAL) and the scan journal are
    // made for a process that stops at any instruction.
    stop: async () => {
      child.kill();
      await ended;
    },
    kill: () => void child.kill(),
  };
}

function spawnFork(entry: string, env: NodeJS.ProcessEnv, events: ChildEvents): EngineChild {
  // No execArgv: the entry is plain JavaScript, whatever loader or flags the parent runs with.
  const child = fork(entry, [], { env, execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ended = exited((resolve) => child.once('exit', resolve));
  child.on('message', (msg) => events.message(msg as FromEngine));
  child.on('exit', (code, signal) => events.exit({ code, signal }));
  // A failed spawn also ends in 'exit'; the error itself is only worth a line.
  child.on('error', (error) => console.error(`lookalike engine process: ${error.message}`));
  return {
    send: (msg) => void child.send(msg),
    stop: async (graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // The engine closes its library when its channel closes (engineProcess/channel.ts onGone).
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await ended;
      clearTimeout(timer);
    },
    kill: () => void child.kill('SIGKILL'),
  };
}

/** Starts the engine process from its compiled entry file. */
export function spawnEngineChild(entry: string, env: NodeJS.ProcessEnv, events: ChildEvents): EngineChild {
  const utilityFork = electronUtilityFork();
  return utilityFork ? spawnUtility(utilityFork, entry, env, events) : spawnFork(entry, env, events);
}
