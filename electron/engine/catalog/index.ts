/**
 * The library catalog: one SQLite file (node:sqlite, WAL) that outlives every scan.
 *
 *   const catalog = Catalog.open(path)        // creates/migrates; path from the caller or defaultCatalogPath(env)
 *   catalog.files        FileStore            one row per path: size, mtime, content hash, dims, format, EXIF,
 *                                             pixel hash, status ok|failed|missing and the failure reason
 *   catalog.embeddings   EmbeddingStore       float32 vectors keyed by (content hash, modelKey(provenance)),
 *                                             plus the models table; live(modelKey) streams what to search
 *   catalog.roots        RootStore            scanned folders and their "reference" flag
 *   catalog.notDuplicates NotDuplicateStore   pairs of content hashes a person marked as different
 *   catalog.neighbors    NeighborStore        stored top-k lists (embeddings.id + score) per content and model
 *   catalog.journal      JournalStore         file operations: pending -> done | undone | failed, JSON payload
 *   catalog.settings     SettingsStore        key/value
 *   catalog.scans        ScanStore            scan runs, heartbeat, interrupted-scan detection
 *   catalog.calibrations CalibrationStore     per-model duplicate calibration: state, result, measured edits
 *   catalog.snapshots    GroupSnapshotStore   kept groupings, valid while the change counter they were made at holds
 *   catalog.transaction(fn)                   fn inside BEGIN IMMEDIATE … COMMIT (nested calls use savepoints)
 *   catalog.optimize()                        PRAGMA optimize: fresh planner statistics where SQLite sees a need
 *   catalog.close()
 *
 * Everything is synchronous (DatabaseSync): calls are short and batched inside transactions by the scanner.
 * Schema changes go in migrations.ts (ordered, PRAGMA user_version).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CalibrationStore } from './calibrations.js';
import { EmbeddingStore } from './embeddings.js';
import { FileStore } from './files.js';
import { GroupSnapshotStore } from './groupSnapshots.js';
import { JournalStore } from './journal.js';
import { migrate } from './migrations.js';
import { NeighborStore, NotDuplicateStore, RootStore } from './review.js';
import { ScanStore } from './scans.js';
import { SettingsStore } from './settings.js';

export interface CatalogOptions {
  /** How long a writer waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  readOnly?: boolean;
}

/** Statistics only make plans better: a busy or full database is no reason to fail an open or a scan over them. */
function optimizeQuietly(db: DatabaseSync, pragma: string): void {
  try {
    db.exec(pragma);
  } catch {
    // The next open or scan tries again.
  }
}

export class Catalog {
  readonly files: FileStore;
  readonly embeddings: EmbeddingStore;
  readonly roots: RootStore;
  readonly notDuplicates: NotDuplicateStore;
  readonly neighbors: NeighborStore;
  readonly journal: JournalStore;
  readonly settings: SettingsStore;
  readonly scans: ScanStore;
  readonly calibrations: CalibrationStore;
  readonly snapshots: GroupSnapshotStore;
  private depth = 0;

  private constructor(
    readonly db: DatabaseSync,
    readonly path: string,
    private readonly readOnly: boolean,
  ) {
    this.files = new FileStore(db);
    this.embeddings = new EmbeddingStore(db);
    this.roots = new RootStore(db);
    this.notDuplicates = new NotDuplicateStore(db);
    this.neighbors = new NeighborStore(db);
    this.journal = new JournalStore(db);
    this.settings = new SettingsStore(db);
    this.scans = new ScanStore(db);
    this.calibrations = new CalibrationStore(db);
    this.snapshots = new GroupSnapshotStore(db);
  }

  /** Opens (creating the folder and file if needed) and migrates to the current schema. `:memory:` works too. */
  static open(file: string, options: CatalogOptions = {}): Catalog {
    if (file !== ':memory:' && !options.readOnly) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new DatabaseSync(file, {
      readOnly: options.readOnly ?? false,
      timeout: options.busyTimeoutMs ?? 5000,
      enableForeignKeyConstraints: true,
    });
    try {
      if (!options.readOnly) {
        // WAL: readers (the UI) never block the scanner's writes; NORMAL sync is crash-safe in WAL mode
        // (a power cut may lose the last commits, never corrupt the file). The journal's writes alone run at
        // FULL (journal.ts): a record of a moved file must survive the power cut.
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = NORMAL');
        migrate(db);
        // What SQLite's docs advise for a long-lived connection at open: statistics for tables that lack them
        // or changed a lot, with a bounded sample (cheap; a no-op when nothing changed).
        optimizeQuietly(db, 'PRAGMA optimize = 0x10002');
      }
      return new Catalog(db, file, options.readOnly ?? false);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** False for a catalog opened read-only (caches derived from its rows are then not written back). */
  get writable(): boolean {
    return !this.readOnly;
  }

  /** Runs fn atomically. Nested calls become savepoints, so a helper can be transactional on its own. */
  transaction<T>(fn: () => T): T {
    const savepoint = `sp${this.depth}`;
    this.db.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = fn();
      this.depth--;
      this.db.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
      return result;
    } catch (err) {
      this.depth--;
      this.db.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
      throw err;
    }
  }

  /**
   * Refreshes the query planner's statistics where SQLite recommends it (after a scan changed many rows); usually
   * a no-op. Read-only catalogs keep what they have.
   */
  optimize(): void {
    if (!this.readOnly && this.db.isOpen) optimizeQuietly(this.db, 'PRAGMA optimize');
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

export { defaultCatalogPath } from './paths.js';
export { migrations, migrate, schemaVersion } from './migrations.js';
export { modelKey, EmbeddingStore } from './embeddings.js';
export type { ModelRecord, StoredEmbedding } from './embeddings.js';
export { FileStore } from './files.js';
export type { ContentMetadata, FileLookup, FileRecord, FileStatus, FileWrite } from './files.js';
export { JournalStore } from './journal.js';
export type { JournalEntry, JournalState } from './journal.js';
export { NeighborStore, NotDuplicateStore, RootStore, orderedPair } from './review.js';
export type { NeighborList, RootRecord } from './review.js';
export { ScanStore, HEARTBEAT_MS } from './scans.js';
export type { ScanRecord, ScanState } from './scans.js';
export { SettingsStore } from './settings.js';
export { CalibrationStore } from './calibrations.js';
export type { CalibrationRecord, EditCosine } from './calibrations.js';
