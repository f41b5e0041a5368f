// Everything the renderer's end-to-end tests stand on: the renderer built by Vite, the real engine host (the
// engine process entry in a worker thread, generated tiny model, settings in the temp data folder), main's
// handlers, a static server with the media route, and headless Chromium (Debian's) with the bridge installed.
// Dialogs are the only scripted part: a test says what the "user picks" next.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build as rolldown } from 'rolldown';
import { build } from 'vite';
import { createHandlers } from '../../electron/main/handlers.js';
import { startEngineHost, type EngineHost } from '../../electron/main/host/engineHost.js';
import type { Handlers } from '../../electron/main/ipc.js';
import { mediaRequestHandler } from '../../electron/main/media/protocol.js';
import { openRootRegistry } from '../../electron/main/roots.js';
import { defaultSettings, settingsSchema, trashWithPackage } from '../../electron/engine/library/index.js';
import type { Settings } from '../../electron/shared/contract.js';
import { TEST_BUILD_DIR } from '../main/bundle.js';
import { descriptorModelDir } from '../helpers/models.js';
import { repoRoot } from '../helpers/photos.js';
import { installBridge, mediaUrlFromRequest } from './bridge.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOT_DIR = path.join(repoRoot, 'test-artifacts', 'screenshots');

export interface Harness {
  tmp: string;
  dataDir: string;
  trashDir: string;
  page: Page;
  handlers: Handlers;
  host: EngineHost;
  /** What the next file/folder/save dialog returns. */
  dialogs: { files: string[]; folder: string | null; save: string | null };
  calls: { method: string; ms: number; ok: boolean }[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds the renderer into `outDir` with its own config (the same command the app build runs). */
export async function buildRenderer(outDir: string): Promise<void> {
  await build({
    configFile: path.join(repoRoot, 'renderer', 'vite.config.ts'),
    build: { outDir, emptyOutDir: true, sourcemap: false },
    logLevel: 'warn',
  });
}

/**
 * The engine process entry as one ES module (a worker thread loads plain JavaScript), as test/main/bundle.ts
 * builds entries but with the engine's lazy `import('../engine.js')` inlined: an output file holds one chunk.
 * npm packages stay external and resolve from the repository's node_modules.
 */
export async function bundleEngineProcess(): Promise<string> {
  const file = path.join(TEST_BUILD_DIR, `engineProcess-e2e-${process.pid}.mjs`);
  await rolldown({
    input: path.join(repoRoot, 'electron', 'engineProcess', 'entry.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    output: { format: 'esm', file, codeSplitting: false },
    logLevel: 'silent',
  });
  return file;
}

function serve(staticDir: string, media: (request: Request) => Promise<Response>): Promise<{ server: http.Server; origin: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = req.url ?? '/';
      if (url.startsWith('/media/')) {
        const answer = await media(new Request(mediaUrlFromRequest(url)));
        res.writeHead(answer.status, Object.fromEntries(answer.headers));
        res.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      const rel = decodeURIComponent(new URL(url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
      const file = path.join(staticDir, rel);
      if (!file.startsWith(staticDir)) return void res.writeHead(403).end();
      const { readFile } = await import('node:fs/promises');
      const body = await readFile(file).catch(() => null);
      if (!body) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

export interface HarnessOptions {
  settings?: Partial<Settings>;
  viewport?: { width: number; height: number };
  /**
   * Handlers replaced for a measurement (the 10k-group scale test feeds synthetic groups through getGroups);
   * every other method still runs main's real handler.
   */
  overrides?: Partial<Handlers>;
  /** Files the media route may serve though they are outside the roots (as if picked in a dialog). */
  grant?: string[];
  /** null: no fixed model folder, the engine loads the data folder's selection (as for a user). Default: the descriptor model. */
  modelDir?: string | null;
  /** More environment for the engine process (a fake hub's HF_ENDPOINT, a registry file). */
  engineEnv?: Record<string, string>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-e2e-'));
  const dataDir = path.join(tmp, 'data');
  const outDir = path.join(tmp, 'renderer');
  // The freedesktop trash goes to a temp XDG_DATA_HOME: trashing and undo are real, and touch no real trash.
  const xdg = path.join(tmp, 'xdg');
  await mkdir(xdg, { recursive: true });
  const previousXdg = process.env['XDG_DATA_HOME'];
  process.env['XDG_DATA_HOME'] = xdg;

  const [, entryFile, modelDir] = await Promise.all([
    buildRenderer(outDir),
    bundleEngineProcess(),
    // The model that sees: the review shows groups a person would agree with (README, Models).
    opts.modelDir === undefined ? descriptorModelDir() : Promise.resolve(opts.modelDir),
  ]);
  // The settings live in the data folder and the engine reads them when it opens the Library: written first, so
  // the model loads on the CPU with one thread from the start (as a user's saved choice would).
  const settings: Settings = settingsSchema.parse({ ...defaultSettings(), device: 'cpu', threads: 1, ...opts.settings });
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2));
  const engineLog: string[] = [];
  const host: EngineHost = startEngineHost({
    entryUrl: pathToFileURL(entryFile),
    // The engine's undo finds trashed files in the same temp trash.
    config: { dataDir, appVersion: '0.0.0-e2e', ...(modelDir ? { modelDir } : {}), env: { XDG_DATA_HOME: xdg, ...opts.engineEnv } },
    callbacks: { trashItem: trashWithPackage },
    log: (line) => engineLog.push(line),
  });
  // The library folders live in the catalog (<dataDir>/catalog.db), as in the app.
  const roots = await openRootRegistry(host.api);
  const grants = new Set<string>(opts.grant ?? []);
  const dialogs: Harness['dialogs'] = { files: [], folder: null, save: null };
  const realHandlers = createHandlers({
    host,
    roots,
    grants,
    shell: { showItemInFolder: () => undefined },
    dialogs: { openFiles: async () => dialogs.files, openFolder: async () => dialogs.folder, saveFile: async () => dialogs.save },
  });
  const handlers: Handlers = { ...realHandlers, ...opts.overrides };

  // As in the app: main's path checks, then the engine process makes the thumbnail (cached in <dataDir>/thumbnails).
  const media = mediaRequestHandler({ roots: () => roots.get().map((r) => r.path), granted: () => grants, thumbnail: (file, size) => host.api.thumbnail({ path: file, size }) });
  const { server, origin } = await serve(outDir, media);
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  const calls: Harness['calls'] = [];
  const offEvents = await installBridge(page, {
    handlers,
    events: host,
    mediaBase: `${origin}/media/`,
    onCall: (method, ms, ok) => calls.push({ method, ms, ok }),
  });
  await page.goto(`${origin}/index.html`);
  await mkdir(SCREENSHOT_DIR, { recursive: true });

  return {
    tmp,
    dataDir,
    trashDir: path.join(xdg, 'Trash'),
    page,
    handlers,
    host,
    dialogs,
    calls,
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
    },
    async close() {
      offEvents();
      await browser.close();
      await new Promise((r) => server.close(r));
      await host.close();
      await rm(entryFile, { force: true });
      if (previousXdg === undefined) delete process.env['XDG_DATA_HOME'];
      else process.env['XDG_DATA_HOME'] = previousXdg;
      await rm(tmp, { recursive: true, force: true });
      if (engineLog.length > 0) console.warn(`engine host log:\n${engineLog.join('\n')}`);
      if (pageErrors.length > 0) throw new Error(`the page reported errors:\n${pageErrors.join('\n')}`);
    },
  };
}
