// Paths the renderer may act on are capabilities main handed out: what a dialog returned, recorded here by kind
// (a folder to add, a move destination, a save target with whether the user confirmed replacing it, a model folder,
// a folder to export), real-path resolved. A compromised renderer can name any path; it can only use the ones the
// user chose. A request's path is looked up as a string first, so a path nobody chose is refused without any fs call.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FolderPurpose } from '../shared/contract.js';
import { ApiError } from './apiError.js';

export type CapabilityKind = FolderPurpose | 'save-target';

export interface Capability {
  kind: CapabilityKind;
  /** What the dialog returned. */
  chosen: string;
  /** Its real path (for a save target that does not exist yet: its folder's real path plus its name). */
  real: string;
  /** A save target that existed when chosen: the system dialog asked before replacing it, and the user said yes. */
  overwriteConfirmed: boolean;
}

/** Enough for any session; the oldest grants of a kind go first. */
const MAX_PER_KIND = 200;

/**
 * `\\server\share`, `//server/share`, `\\?\UNC\…`, `\\.\pipe\…`: on Windows merely opening one makes the OS connect,
 * and authenticate, to another machine. Checked on the string, before any fs call.
 */
export function isUncPath(p: string, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32' && /^[\\/]{2}/.test(p);
}

export function assertNotUnc(p: string, platform: NodeJS.Platform = process.platform): void {
  if (isUncPath(p, platform)) {
    throw new ApiError('forbidden', `${p}: network and device paths (\\\\server\\share) are not supported; map the share to a drive letter`);
  }
}

/** Every string in a request that names a UNC path (requests are small JSON; depth-limited against cycles). */
export function assertNoUncPaths(value: unknown, platform: NodeJS.Platform = process.platform, depth = 0): void {
  if (platform !== 'win32' || depth > 8) return;
  if (typeof value === 'string') assertNotUnc(value, platform);
  else if (Array.isArray(value)) for (const v of value) assertNoUncPaths(v, platform, depth + 1);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) assertNoUncPaths(v, platform, depth + 1);
}

/** The real path of an existing path, else of its folder joined with its name (a file about to be created). */
export async function realPathOf(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return path.join(await realpath(path.dirname(p)), path.basename(p));
  }
}

const notFound = (p: string): ApiError => new ApiError('not-found', `${p} does not exist`);

export class CapabilityStore {
  readonly #granted = new Map<CapabilityKind, Capability[]>();
  #moveDest: string | null = null;

  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  /** Records what a dialog returned. */
  async grant(kind: CapabilityKind, chosen: string): Promise<Capability> {
    assertNotUnc(chosen, this.platform);
    const real = await realPathOf(chosen).catch(() => {
      throw notFound(chosen);
    });
    const exists = kind === 'save-target' ? await stat(real).then(() => true, () => false) : true;
    const cap: Capability = { kind, chosen, real, overwriteConfirmed: kind === 'save-target' && exists };
    const list = (this.#granted.get(kind) ?? []).filter((c) => c.chosen !== chosen);
    list.push(cap);
    this.#granted.set(kind, list.slice(-MAX_PER_KIND));
    return cap;
  }

  /**
   * The capability a request's path stands for, or null. The string must be one a dialog returned (or its real
   * path); only then is the path resolved again, and it must still resolve to what was chosen (no link swapped in).
   */
  async find(kind: CapabilityKind, requested: string): Promise<Capability | null> {
    assertNotUnc(requested, this.platform);
    const cap = (this.#granted.get(kind) ?? []).findLast((c) => c.chosen === requested || c.real === requested);
    if (!cap) return null;
    const real = await realPathOf(requested).catch(() => {
      throw notFound(requested);
    });
    return real === cap.real ? cap : null;
  }

  async require(kind: CapabilityKind, requested: string, what: string): Promise<Capability> {
    const cap = await this.find(kind, requested);
    if (!cap) throw new ApiError('forbidden', `${what}: ${requested} was not chosen in a dialog`);
    return cap;
  }

  /** One save dialog, one write: a save target is used up by the export it was chosen for. */
  consume(cap: Capability): void {
    const list = this.#granted.get(cap.kind) ?? [];
    this.#granted.set(cap.kind, list.filter((c) => c !== cap));
  }

  /** The settings' default move folder (chosen in Settings' dialog, or by the user in the CLI): a trusted destination. */
  get moveDest(): string | null {
    return this.#moveDest;
  }

  set moveDest(value: string | null) {
    this.#moveDest = value;
  }
}
