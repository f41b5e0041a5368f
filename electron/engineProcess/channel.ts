// The engine process's line to main, the same messages (shared/rpc.ts) over either kind of child process:
// Electron's utilityProcess (process.parentPort, MessageEvent-wrapped) or Node's child_process.fork (process.send,
// used under plain Node: tests and the e2e harness). The config comes in the environment, ready at start.
import { ENGINE_CONFIG_ENV, type EngineProcessConfig, type FromEngine, type ToEngine } from '../shared/rpc.js';

export interface ParentLine {
  send(msg: FromEngine): void;
  onMessage(listener: (msg: ToEngine) => void): void;
  /** Called when main is gone (a forked child's channel closed); utility processes end with main. */
  onGone(listener: () => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function parentLine(): ParentLine {
  const port = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (msg) => port.postMessage(msg),
      onMessage: (listener) => port.on('message', (event) => listener(event.data as ToEngine)),
      onGone: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('engineProcess/entry.js must run as a child process (utilityProcess or child_process.fork)');
  return {
    send: (msg) => void send(msg),
    onMessage: (listener) => process.on('message', (msg) => listener(msg as ToEngine)),
    onGone: (listener) => void process.once('disconnect', listener),
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): EngineProcessConfig {
  const raw = env[ENGINE_CONFIG_ENV];
  if (!raw) throw new Error(`engineProcess/entry.js needs its config in ${ENGINE_CONFIG_ENV}`);
  return JSON.parse(raw) as EngineProcessConfig;
}
