// What sits in the holding folders (where a "trashed" file goes on macOS, Windows, or a Linux volume whose trash
// cannot be undone): read from the journal, checked on disk. Lookalike never deletes a photo, so freeing that
// space is the user's own act in their file manager; this is what tells them where, and how much.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../catalog/index.js';
import type { TrashPayload } from '../resolve/actions.js';
import { HOLDING_FOLDER } from '../resolve/trashStrategy.js';

export interface HeldFile {
  /** Journal entry: `lookalike undo ENTRY` puts this one file back. */
  entry: number;
  batch: string;
  original: string;
  held: string;
  bytes: number;
  at: number;
}

export interface HeldFolder {
  /** The `.lookalike-trash` folder itself. */
  folder: string;
  files: number;
  bytes: number;
}

export interface HeldReport {
  files: HeldFile[];
  folders: HeldFolder[];
  bytes: number;
}

const holdingFolderOf = (held: string): string => {
  const parts = held.split(path.sep);
  return parts.slice(0, parts.lastIndexOf(HOLDING_FOLDER) + 1).join(path.sep);
};

export async function listHeldFiles(catalog: Catalog): Promise<HeldReport> {
  const files: HeldFile[] = [];
  for (const e of catalog.journal.list<TrashPayload>({ kind: 'trash' })) {
    if ((e.state !== 'done' && e.state !== 'pending') || !e.payload.held) continue;
    const st = await stat(e.payload.held).catch(() => null);
    if (!st?.isFile()) continue;
    files.push({ entry: e.id, batch: e.payload.batch, original: e.payload.path, held: e.payload.held, bytes: st.size, at: e.createdAt });
  }
  const byFolder = new Map<string, HeldFolder>();
  for (const f of files) {
    const folder = holdingFolderOf(f.held);
    const entry = byFolder.get(folder) ?? { folder, files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += f.bytes;
    byFolder.set(folder, entry);
  }
  return { files, folders: [...byFolder.values()], bytes: files.reduce((n, f) => n + f.bytes, 0) };
}
