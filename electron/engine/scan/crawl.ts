// Finds candidate photos under the roots with fdir. Symbolic links are followed, with a set of real paths of
// the folders already walked so that a loop (or two links to one folder) is walked once. Entries that are not
// regular files (FIFOs, sockets, devices) and links that lead nowhere are returned too, never opened: the stat
// stage reports each with a reason, so a user learns why a "photo" was skipped.
import fs from 'node:fs';
import path from 'node:path';
import { fdir } from 'fdir';
import picomatch from 'picomatch';
import { hasPhotoExtension } from './formats.js';

export interface CrawlOptions {
  /** Globs a file must match (relative to its root, or absolute; a pattern without '/' matches the file name). */
  include?: string[];
  /** Globs for files and folders to leave out, same rules. */
  exclude?: string[];
  /** Leave out dot-files, dot-folders and system folders (recycle bins, NAS thumbnail folders). Default true. */
  skipHidden?: boolean;
  signal?: AbortSignal;
  /** Called as candidates are found (counts only). */
  onFound?: (count: number) => void;
}

export interface CrawlResult {
  /** Absolute paths of candidates, in no particular order. Only paths are held, so a million files fit. */
  files: string[];
  /** Folders that could not be listed, with the reason. */
  unreadableFolders: { path: string; reason: string }[];
}

/** Folders that hold system data or derived thumbnails, never a user's photos (compared lower-case). */
const systemFolders = new Set([
  '$recycle.bin', 'system volume information', 'lost+found', '@eadir', '#recycle', '#snapshot', '@recycle',
  '.trash', '.trashes', '.spotlight-v100', '.fseventsd', '.thumbnails', '.cache', '.temporaryitems',
]);

const FOUND_REPORT_EVERY = 256;

const isHiddenName = (name: string): boolean => name.startsWith('.');

type Matcher = (relative: string, absolute: string) => boolean;

function compileGlobs(patterns: string[] | undefined): Matcher | null {
  if (!patterns || patterns.length === 0) return null;
  const byName: picomatch.Matcher[] = [];
  const byPath: picomatch.Matcher[] = [];
  for (const p of patterns) {
    const posix = p.replaceAll('\\', '/');
    (posix.includes('/') ? byPath : byName).push(picomatch(posix, { dot: true }));
  }
  return (relative, absolute) => {
    const rel = relative.replaceAll(path.sep, '/');
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    if (byName.some((m) => m(name))) return true;
    const abs = absolute.replaceAll(path.sep, '/');
    return byPath.some((m) => m(rel) || m(abs));
  };
}

const stripSep = (p: string): string => (p.length > 1 && p.endsWith(path.sep) ? p.slice(0, -1) : p);

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The one real-path policy of scan and resolve: links resolved, so a folder named through a symlink is the same
 * folder (with the same reference flag) and a file reached through one is checked where it really lives. A path
 * that does not exist (an unmounted volume, a file gone) keeps its missing tail under its real existing parent.
 */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    return parent === abs ? abs : path.join(realPathOf(parent), path.basename(abs));
  }
}

/** Real paths of the roots, with roots inside another root dropped (they would be walked twice). */
export function normalizeRoots(roots: string[]): string[] {
  const real = [...new Set(roots.map((r) => fs.realpathSync.native(path.resolve(r))))].sort();
  return real.filter((r, i) => !real.some((other, j) => j !== i && other !== r && isInside(r, other)));
}

interface CrawlFilters {
  skipHidden: boolean;
  include: Matcher | null;
  exclude: Matcher | null;
}

/** What every root's walk shares: the roots, the folders walked so far (by real path), and the results. */
interface CrawlState {
  realRoots: string[];
  visitedReal: Set<string>;
  files: string[];
  unreadableFolders: CrawlResult['unreadableFolders'];
}

type ReaddirCallback = (err: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void;

/** The walk of one root with fdir, plus the entries fdir does not return (links it cannot resolve, special files). */
class RootCrawl {
  /** fdir lists the top of a followed folder link by its real path but names its entries by the link path. */
  private readonly linkPathOfReal = new Map<string, string>();
  private readonly pendingLinks = new Set<string>();
  private readonly pendingSpecials: string[] = [];
  /** Files kept so far in this root's walk (fdir hands them over only at its end). */
  private kept = 0;

  constructor(
    private readonly root: string,
    private readonly filters: CrawlFilters,
    private readonly state: CrawlState,
    private readonly options: CrawlOptions,
  ) {}

  async run(): Promise<void> {
    const crawler = new fdir({ fs: this.fsShim(), suppressErrors: true })
      .withFullPaths()
      .withSymlinks({ resolvePaths: false })
      .exclude((name, dirPath) => this.skipFolder(name, dirPath))
      .filter((file, isDirectory) => this.keepFile(file, isDirectory));
    if (this.options.signal) crawler.withAbortSignal(this.options.signal);
    const found = await crawler.crawl(this.root).withPromise();
    for (const f of found) this.state.files.push(f);
    this.addUnresolved();
    this.options.onFound?.(this.state.files.length);
  }

  private relative(p: string): string {
    return path.relative(this.root, stripSep(p));
  }

  private underARoot(real: string): boolean {
    return this.state.realRoots.some((r) => isInside(real, r));
  }

  private wanted(file: string): boolean {
    const { skipHidden, include, exclude } = this.filters;
    const name = path.basename(file);
    if (!hasPhotoExtension(name) || (skipHidden && isHiddenName(name))) return false;
    if (exclude?.(this.relative(file), file)) return false;
    return include ? include(this.relative(file), file) : true;
  }

  /** fs for fdir, whose readdir also notes unreadable folders and the entries that are neither file nor folder. */
  private fsShim(): typeof fs {
    const readdir = (dir: string, opts: { withFileTypes: true }, cb: ReaddirCallback): void => {
      fs.readdir(dir, opts, (err, entries) => {
        const shown = this.linkPathOfReal.get(stripSep(dir)) ?? dir;
        if (err) this.state.unreadableFolders.push({ path: stripSep(shown), reason: err.code ?? err.message });
        for (const e of entries ?? []) {
          if (e.isFile() || e.isDirectory()) continue;
          const full = path.join(shown, e.name);
          if (!this.wanted(full)) continue;
          if (e.isSymbolicLink()) this.pendingLinks.add(full);
          else this.pendingSpecials.push(full);
        }
        cb(err, entries ?? []);
      });
    };
    return { ...fs, readdir: readdir as unknown as typeof fs.readdir };
  }

  private skipFolder(name: string, dirPath: string): boolean {
    const { skipHidden, exclude } = this.filters;
    if (skipHidden && (isHiddenName(name) || systemFolders.has(name.toLowerCase()))) return true;
    const shown = stripSep(dirPath);
    if (exclude?.(this.relative(shown), shown)) return true;
    let real: string;
    try {
      real = fs.realpathSync.native(shown);
    } catch {
      return true;
    }
    // Reached through a link but inside a root: the folder is (or will be) walked under its own name.
    if (real !== shown && this.underARoot(real)) return true;
    if (this.state.visitedReal.has(real)) return true;
    this.state.visitedReal.add(real);
    if (real !== shown) this.linkPathOfReal.set(real, shown);
    return false;
  }

  private keepFile(file: string, isDirectory: boolean): boolean {
    if (isDirectory || !this.wanted(file)) return false;
    if (this.pendingLinks.delete(file)) {
      // A link to a photo inside the roots is an alias of a file we list anyway, not a second photo.
      try {
        if (this.underARoot(fs.realpathSync.native(file))) return false;
      } catch {
        return true;
      }
    }
    // A count for the progress bar, not a report per file: a library of a million photos would make a million.
    if (++this.kept % FOUND_REPORT_EVERY === 0) this.options.onFound?.(this.state.files.length + this.kept);
    return true;
  }

  /** Links fdir could not resolve (dangling, looping) and special files: listed so the stat stage says why. */
  private addUnresolved(): void {
    for (const link of this.pendingLinks) {
      let target: fs.Stats | undefined;
      try {
        target = fs.statSync(link, { throwIfNoEntry: false });
      } catch {
        // ELOOP and friends: the stat stage reports it.
      }
      if (target?.isDirectory()) continue;
      this.state.files.push(link);
    }
    for (const special of this.pendingSpecials) this.state.files.push(special);
  }
}

export async function crawlRoots(roots: string[], options: CrawlOptions = {}): Promise<CrawlResult> {
  const filters: CrawlFilters = {
    skipHidden: options.skipHidden ?? true,
    include: compileGlobs(options.include),
    exclude: compileGlobs(options.exclude),
  };
  const realRoots = normalizeRoots(roots);
  const state: CrawlState = { realRoots, visitedReal: new Set<string>(realRoots), files: [], unreadableFolders: [] };
  for (const root of realRoots) {
    if (options.signal?.aborted) break;
    await new RootCrawl(root, filters, state, options).run();
  }
  return { files: state.files, unreadableFolders: state.unreadableFolders };
}
