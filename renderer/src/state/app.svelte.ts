// The whole app's state: one object per view, the view on screen, and the shell's events routed to them. The
// start-up order lives here (settings first, so the review opens at the user's threshold), not in a component.
import type { JobDone, MenuCommand } from '../../../electron/shared/contract.js';
import type { JobKind } from '../../../electron/shared/values.js';
import { subscribe, type Client } from '../lib/api.js';
import { CompareState } from './compare.svelte.js';
import { DuplicatesState } from './duplicates.svelte.js';
import { ExportState } from './export.svelte.js';
import type { JobState } from './job.svelte.js';
import { LibraryState } from './library.svelte.js';
import { SearchState } from './search.svelte.js';
import { SettingsState } from './settings.svelte.js';

/** Any one of the app's jobs (each typed by its kind, so its result is too). */
type AnyJob = { [K in JobKind]: JobState<K> }[JobKind];

export type ViewId = 'review' | 'library' | 'compare' | 'search' | 'export' | 'settings';

export class AppState {
  view = $state<ViewId>('library');
  /** The first load, once start() began it. */
  loaded: Promise<void> = Promise.resolve();
  readonly compare: CompareState;
  readonly library: LibraryState;
  readonly dupes: DuplicatesState;
  readonly search: SearchState;
  readonly exporter: ExportState;
  readonly settings: SettingsState;
  readonly #jobs: readonly AnyJob[];
  readonly #client: Client;

  constructor(client: Client) {
    this.#client = client;
    this.compare = new CompareState(client);
    this.library = new LibraryState(client);
    this.settings = new SettingsState(client);
    this.dupes = new DuplicatesState(client, undefined, () => this.settings.settings?.moveDest ?? null);
    this.search = new SearchState(client);
    this.exporter = new ExportState(client);
    this.#jobs = [this.library.scan, this.exporter.job, this.settings.download, this.settings.calibration.job];
  }

  /** Listens to the shell and loads everything; returns what stops listening. */
  start(): () => void {
    const client = this.#client;
    const offs = [
      subscribe(client, 'jobProgress', (e) => {
        this.#jobs.forEach((j) => j.onProgress(e));
        this.settings.calibration.onProgress(e);
      }),
      subscribe(client, 'jobDone', (e) => this.onJobDone(e)),
      subscribe(client, 'statusChanged', (status) => (this.settings.status = status)),
      subscribe(client, 'menu', ({ command }) => this.onMenu(command)),
    ];
    this.loaded = this.load();
    return () => offs.forEach((off) => off());
  }

  /** Settings and folders, the jobs still running, then the groups at the user's threshold. */
  async load(): Promise<void> {
    await Promise.all([this.settings.refresh(), this.library.refresh(), this.#adoptRunningJobs()]);
    if (this.settings.settings) this.dupes.useDefaultThreshold(this.settings.settings.threshold);
    await this.dupes.load();
    if (this.dupes.review.count > 0) this.view = 'review';
  }

  onJobDone(event: JobDone): void {
    this.#jobs.forEach((j) => j.onDone(event));
    if (event.kind === 'scan') void this.library.refresh().then(() => this.dupes.load());
    if (event.kind === 'downloadModel') void this.settings.refresh();
    // A new calibration is a new scale: scores and groups change with it.
    if (event.kind === 'calibrate') void this.settings.calibration.refresh().then(() => this.dupes.load());
  }

  onMenu(command: MenuCommand): void {
    if (command === 'compare') this.view = 'compare';
    else if (command === 'settings' || command === 'models') this.view = 'settings';
    else if (command === 'exportResults') this.view = 'export';
    else if (command === 'undo') void this.dupes.review.undo();
    else if (command === 'addFolder') this.view = 'library';
    else if (command === 'startScan') {
      this.view = 'library';
      void this.library.startScan();
    }
  }

  /** A change to the keep-best preferences changes every group's suggested keeper: regroup. */
  keepPreferencesChanged(): Promise<void> {
    return this.dupes.load();
  }

  /** Jobs that outlived the page (a reload mid-scan) show again, queued, running or paused as they are. */
  async #adoptRunningJobs(): Promise<void> {
    let infos: Awaited<ReturnType<Client['listJobs']>>;
    try {
      infos = await this.#client.listJobs();
    } catch {
      return; // nothing to resume is the same as not knowing of any: the views work without it
    }
    const newestFirst = [...infos].sort((a, b) => b.startedAt - a.startedAt);
    for (const job of this.#jobs) newestFirst.some((info) => job.adopt(info));
  }
}
