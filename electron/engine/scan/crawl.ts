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

/** Real paths of the roots, with roots inside another root dropped (they would be walked twice). */
export function normalizeRoots(roots: string[]): string[] {
  const real = [...new Set(roots.map((r) => fs.realpathSync.native(path.resolve(r))))].sort();
  return real.filter((r, i) => !real.some((other, j) => j !== i && other !== r && isInside(r, other)));
}

export async function crawlRoots(roots: string[], options: CrawlOptions = {}): Promise<CrawlResult> {
  const skipHidden = options.skipHidden ?? true;
  const include = compileGlobs(options.include);
  const exclude = compileGlobs(options.exclude);
  const realRoots = normalizeRoots(roots);
  const underARoot = (real: string): boolean => realRoots.some((r) => isInside(real, r));
  const visitedReal = new Set<string>(realRoots);
  const files: string[] = [];
  const unreadableFolders: CrawlResult['unreadableFolders'] = [];

  for (const root of realRoots) {
    if (options.signal?.aborted) break;
    // fdir lists the top of a followed folder link by its real path but names its entries by the link path.
    const linkPathOfReal = new Map<string, string>();
    const pendingLinks = new Set<string>();
    const pendingSpecials: string[] = [];
    const relative = (p: string): string => path.relative(root, stripSep(p));
    const wanted = (file: string): boolean => {
      const name = path.basename(file);
      if (!hasPhotoExtension(name) || (skipHidden && isHiddenName(name))) return false;
      if (exclude?.(relative(file), file)) return false;
      return include ? include(relative(file), file) : true;
    };

    const shim = {
      ...fs,
      readdir: ((dir: string, opts: { withFileTypes: true }, cb: (err: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void) => {
        fs.readdir(dir, opts, (err, entries) => {
          const shown = linkPathOfReal.get(stripSep(dir)) ?? dir;
          if (err) unreadableFolders.push({ path: stripSep(shown), reason: err.code ?? err.message });
          for (const e of entries ?? []) {
            if (e.isFile() || e.isDirectory()) continue;
            const full = path.join(shown, e.name);
            if (!wanted(full)) continue;
            if (e.isSymbolicLink()) pendingLinks.add(full);
            else pendingSpecials.push(full);
          }
          cb(err, entries ?? []);
        });
      }) as unknown as typeof fs.readdir,
    };

    const crawler = new fdir({ fs: shim, suppressErrors: true })
      .withFullPaths()
      .withSymlinks({ resolvePaths: false })
      .exclude((name, dirPath) => {
        if (skipHidden && (isHiddenName(name) || systemFolders.has(name.toLowerCase()))) return true;
        const shown = stripSep(dirPath);
        if (exclude?.(relative(shown), shown)) return true;
        let real: string;
        try {
          real = fs.realpathSync.native(shown);
        } catch {
          return true;
        }
        // Reached through a link but inside a root: the folder is (or will be) walked under its own name.
        if (real !== shown && underARoot(real)) return true;
        if (visitedReal.has(real)) return true;
        visitedReal.add(real);
        if (real !== shown) linkPathOfReal.set(real, shown);
        return false;
      })
      .filter((file, isDirectory) => {
        if (isDirectory || !wanted(file)) return false;
        if (pendingLinks.delete(file)) {
          // A link to a photo inside the roots is an alias of a file we list anyway, not a second photo.
          try {
            if (underARoot(fs.realpathSync.native(file))) return false;
          } catch {
            return true;
          }
        }
        options.onFound?.(files.length + 1);
        return true;
      });
    if (options.signal) crawler.withAbortSignal(options.signal);
    const found = await crawler.crawl(root).withPromise();
    for (const f of found) files.push(f);

    // Links fdir could not resolve (dangling, looping) and special files: listed so the stat stage says why.
    for (const link of pendingLinks) {
      let target: fs.Stats | undefined;
      try {
        target = fs.statSync(link, { throwIfNoEntry: false });
      } catch {
        // ELOOP and friends: the stat stage reports it.
      }
      if (target?.isDirectory()) continue;
      files.push(link);
    }
    for (const special of pendingSpecials) files.push(special);
    options.onFound?.(files.length);
  }
  return { files, unreadableFolders };
}
