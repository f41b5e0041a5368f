// The duplicates view: the threshold (regrouping live, debounced), the groups it yields (asked of the engine a
// page at a time, GroupPages), and the bulk "resolve all as suggested" flow (dry run → confirmation → one
// undoable action).
import type { GroupsResult, ResolveAllSummary } from '../../../electron/shared/contract.js';
import { DEFAULT_THRESHOLD } from '../../../electron/shared/values.js';
import type { Client } from '../lib/api.js';
import { debounce } from '../lib/debounce.js';
import { messageOf } from '../lib/errors.js';
import { GroupPages, type FetchGroups } from './groupPages.svelte.js';
import { ReviewState, type TierFilter } from './review.svelte.js';

type DuplicatesClient = Pick<
  Client,
  'getGroups' | 'resolveGroup' | 'markNotDuplicate' | 'undo' | 'resolveAll' | 'pickFolder' | 'showInFolder'
>;

/** Slider drags emit many values; regroup once the hand rests this long. */
export const REGROUP_DEBOUNCE_MS = 150;

export class DuplicatesState {
  /** The review threshold: the user's default from Settings once they load (values.ts DEFAULT_THRESHOLD before). */
  threshold = $state(DEFAULT_THRESHOLD);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** Wall time of the last regroup request, shown in the status bar (and read by the e2e timing). */
  lastRegroupMs = $state<number | null>(null);
  /** The dry run being confirmed, or null. */
  confirming = $state.raw<ResolveAllSummary | null>(null);
  readonly review: ReviewState;
  readonly #client: DuplicatesClient;
  #request = 0;
  #thresholdChosen = false;
  /** Bulk resolves: their undo brings back groups the list no longer has, so it reloads. */
  readonly #bulkActions = new Set<string>();
  readonly #regroupSoon = debounce(() => void this.load(), REGROUP_DEBOUNCE_MS);

  /**
   * @param moveDest the default move folder from Settings (chosen in its dialog): M moves there without asking;
   * null asks each time. Main accepts a move only into a folder its dialog returned, that one, or a library folder.
   */
  constructor(client: DuplicatesClient, threshold: number = DEFAULT_THRESHOLD, moveDest: () => string | null = () => null) {
    this.#client = client;
    this.threshold = threshold;
    this.review = new ReviewState({
      resolve: (keep, targets, disposal) => client.resolveGroup({ keep, targets, ...disposal }),
      chooseFolder: async () => moveDest() ?? (await client.pickFolder({ title: 'Move the other photos to…', purpose: 'move-destination' })).path,
      markNotDuplicate: async (paths) => (await client.markNotDuplicate({ paths })).actionId,
      undo: async (actionId) => {
        const result = await client.undo({ actionId });
        if (this.#bulkActions.delete(actionId)) void this.load();
        return result;
      },
    });
  }

  /** The engine's totals of the list shown (every page), once loaded. */
  get totals(): GroupsResult['totals'] | null {
    return this.loaded ? this.review.nav.pages.totals : null;
  }

  /** The user moved the slider: regroup once the hand rests. */
  setThreshold(value: number): void {
    this.#thresholdChosen = true;
    this.threshold = Math.min(100, Math.max(0, Math.round(value)));
    this.#regroupSoon();
  }

  /** The user's default threshold from Settings (settings.threshold); a value they already chose here wins. */
  useDefaultThreshold(value: number): void {
    if (!this.#thresholdChosen) this.threshold = value;
  }

  /** Reveals a photo in the system's file manager. */
  async showInFolder(path: string): Promise<void> {
    try {
      await this.#client.showInFolder({ path });
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async load(): Promise<void> {
    this.#regroupSoon.cancel();
    const request = ++this.#request;
    const started = performance.now();
    this.loading = true;
    this.error = null;
    try {
      await this.review.nav.use((filter, around) => this.#open(this.threshold, filter, around, request));
      if (request !== this.#request) return; // a newer threshold is on its way
      this.loaded = true;
      this.lastRegroupMs = Math.round(performance.now() - started);
    } catch (err) {
      if (request === this.#request) this.error = messageOf(err);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** The engine's groups at a threshold, a page at a time. */
  #open(threshold: number, filter: TierFilter, around: number, request: number): Promise<GroupPages> {
    const tiers = filter === 'all' ? {} : { tiers: [filter] };
    const fetch: FetchGroups = (offset, limit) => this.#client.getGroups({ threshold, ...tiers, offset, limit });
    return GroupPages.open(
      fetch,
      {
        isGone: (id) => this.review.resolutions.has(id),
        // Only the grouping on screen reloads (an older one's late page says nothing).
        onStale: () => request === this.#request && void this.load(),
        onError: (err) => (this.error = messageOf(err)),
      },
      around,
    );
  }

  #bulkRequest() {
    const tiers = this.review.tierFilter === 'all' ? undefined : [this.review.tierFilter];
    return { threshold: this.threshold, tiers, action: 'trash' as const };
  }

  /** Asks the engine what "resolve all" would do, and opens the confirmation with it. */
  async prepareResolveAll(): Promise<void> {
    this.error = null;
    try {
      this.confirming = await this.#client.resolveAll({ ...this.#bulkRequest(), dryRun: true });
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  cancelResolveAll(): void {
    this.confirming = null;
  }

  async confirmResolveAll(): Promise<void> {
    const summary = this.confirming;
    if (!summary) return;
    this.confirming = null;
    const keeps = new Set(summary.plan.map((p) => p.keep));
    // The loaded groups it covers show as resolved; the engine resolves the unloaded ones too.
    const groupIds = this.review.visible.filter((g) => keeps.has(g.keep) && this.review.isOpen(g.id)).map((g) => g.id);
    await this.review.resolveAll(groupIds, async () => {
      const done = await this.#client.resolveAll({ ...this.#bulkRequest(), dryRun: false });
      if (done.actionId !== null) this.#bulkActions.add(done.actionId);
      const failed = new Set(done.failed.map((f) => f.path));
      return {
        actionId: done.actionId,
        done: done.plan.flatMap((p) => p.targets).filter((p) => !failed.has(p)),
        failed: done.failed,
      };
    });
    // Pages not loaded yet lost their groups: the list is the engine's again.
    await this.load();
  }
}
