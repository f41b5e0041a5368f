// Versioned schema. Each entry moves the catalog from version i to i+1; PRAGMA user_version records where a file is.
// Never edit a shipped migration: append a new one, so every existing catalog reaches the same schema.
import type { DatabaseSync } from 'node:sqlite';
import { LookalikeError } from '../errors.js';
import { groupSnapshotSchema } from './groupSnapshots.js';

export interface Migration {
  /** What the step does, for error messages. */
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    name: 'initial schema',
    sql: `
      -- One row per path ever seen. status: ok (hashed, decoded), failed (error says why), missing (gone from disk).
      -- mtime_ms is a REAL so Node's fractional mtimeMs round-trips exactly (both are IEEE doubles).
      CREATE TABLE files (
        id            INTEGER PRIMARY KEY,
        path          TEXT    NOT NULL UNIQUE,
        size          INTEGER NOT NULL,
        mtime_ms      REAL    NOT NULL,
        content_hash  TEXT,
        width         INTEGER,
        height        INTEGER,
        format        TEXT,
        taken_at      TEXT,
        camera_make   TEXT,
        camera_model  TEXT,
        orientation   INTEGER,
        pixel_hash    TEXT,
        status        TEXT    NOT NULL CHECK (status IN ('ok', 'failed', 'missing')),
        error         TEXT,
        updated_at    INTEGER NOT NULL
      );
      CREATE INDEX files_content_hash ON files (content_hash);
      CREATE INDEX files_pixel_hash ON files (pixel_hash);
      CREATE INDEX files_status ON files (status);

      -- What produced an embedding. key = modelKey(provenance).
      CREATE TABLE models (
        key                 TEXT PRIMARY KEY,
        model_id            TEXT    NOT NULL,
        revision            TEXT,
        dtype               TEXT    NOT NULL,
        file_sha256         TEXT    NOT NULL,
        preprocess_version  INTEGER NOT NULL,
        dim                 INTEGER NOT NULL,
        created_at          INTEGER NOT NULL
      );

      -- Keyed by content, not path: a moved or renamed file keeps its vector. vector: little-endian float32.
      CREATE TABLE embeddings (
        id            INTEGER PRIMARY KEY,
        content_hash  TEXT    NOT NULL,
        model_key     TEXT    NOT NULL REFERENCES models (key) ON DELETE CASCADE,
        vector        BLOB    NOT NULL,
        created_at    INTEGER NOT NULL,
        UNIQUE (content_hash, model_key)
      );
      CREATE INDEX embeddings_model ON embeddings (model_key);

      -- Stored top-k lists for the duplicate finder. ids: little-endian uint32 embeddings.id; scores: float32.
      CREATE TABLE neighbors (
        content_hash  TEXT    NOT NULL,
        model_key     TEXT    NOT NULL REFERENCES models (key) ON DELETE CASCADE,
        ids           BLOB    NOT NULL,
        scores        BLOB    NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (content_hash, model_key)
      ) WITHOUT ROWID;

      CREATE TABLE roots (
        path          TEXT    PRIMARY KEY,
        is_reference  INTEGER NOT NULL DEFAULT 0 CHECK (is_reference IN (0, 1)),
        added_at      INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- "These two are not duplicates", by content. Stored once per pair: hash_a < hash_b.
      CREATE TABLE not_duplicate (
        hash_a      TEXT    NOT NULL,
        hash_b      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (hash_a, hash_b),
        CHECK (hash_a < hash_b)
      ) WITHOUT ROWID;

      CREATE TABLE journal (
        id          INTEGER PRIMARY KEY,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        state       TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'undone', 'failed')),
        payload     TEXT    NOT NULL CHECK (json_valid(payload))
      );
      CREATE INDEX journal_state ON journal (state);

      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) WITHOUT ROWID;

      -- One row per scan. A row left 'running' by a process that no longer exists is an interrupted scan.
      CREATE TABLE scans (
        id           INTEGER PRIMARY KEY,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER,
        heartbeat_at INTEGER NOT NULL,
        state        TEXT    NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'interrupted', 'failed')),
        pid          INTEGER NOT NULL,
        host         TEXT    NOT NULL,
        params       TEXT    NOT NULL CHECK (json_valid(params)),
        counts       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
        error        TEXT
      );
      CREATE INDEX scans_state ON scans (state);
    `,
  },
  {
    name: 'pixel thumbnails for rotated-copy matching',
    sql: `
      -- 32×32 area-averaged RGB of the upright decoded pixels (3072 bytes; see similarity/pixelThumb.ts), so a
      -- lossy EXIF-rotated copy can be told from an edit without decoding again. NULL for rows scanned before
      -- this version: the scanner fills them on its next pass (decode only, no inference).
      ALTER TABLE files ADD COLUMN pixel_thumb BLOB;
    `,
  },
  {
    name: 'processor config hash in model provenance',
    sql: `
      -- sha256 of the parsed preprocessor config. Models recorded before this version keep '' (unknown); their
      -- keys lack the hash, so the next scan embeds under the new key and the old vectors are simply unused.
      ALTER TABLE models ADD COLUMN processor_sha256 TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    name: 'files indexed by content hash and status',
    sql: `
      -- "Does this content still have an ok file?" is asked once per vector (live(), the duplicate finder). With
      -- only the two single-column indexes SQLite may answer it through files_status, where nearly every row is
      -- ok: a walk of the whole table per vector, O(n²) (a 100k library took minutes). The pair answers it with
      -- one probe, and its content_hash prefix serves every lookup files_content_hash served, so that one goes.
      CREATE INDEX files_content_hash_status ON files (content_hash, status);
      DROP INDEX files_content_hash;
    `,
  },
  {
    // Version 5 is another change that lands separately; until it does this slot keeps the numbering, so the
    // calibration tables below are version 6 in every catalog. Replace this entry with that migration.
    name: 'reserved for migration 5',
    sql: '',
  },
  {
    name: 'per-model duplicate calibration',
    sql: `
      -- One calibration per model: state running (resumable: params names the sampled contents) or done (result
      -- holds the chosen cosines and the figures behind them, see library/calibration.ts).
      CREATE TABLE calibrations (
        model_key   TEXT    PRIMARY KEY REFERENCES models (key) ON DELETE CASCADE,
        state       TEXT    NOT NULL CHECK (state IN ('running', 'done')),
        params      TEXT    NOT NULL CHECK (json_valid(params)),
        result      TEXT    CHECK (result IS NULL OR json_valid(result)),
        updated_at  INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Cosine of each sampled photo to each of its synthetic edits, written per photo so a stopped run resumes.
      CREATE TABLE calibration_edits (
        model_key     TEXT NOT NULL REFERENCES calibrations (model_key) ON DELETE CASCADE,
        content_hash  TEXT NOT NULL,
        edit          TEXT NOT NULL,
        cosine        REAL NOT NULL,
        PRIMARY KEY (model_key, content_hash, edit)
      ) WITHOUT ROWID;
    `,
  },
  {
    name: 'half-precision vectors for the duplicate finder',
    sql: `
      -- Each vector as the duplicate finder holds it: normalised to unit length and rounded to binary16
      -- (little-endian), 1.5 KB where the float32 blob is 3 KB, in a table of its own so loading a million of them
      -- reads only them (see catalog/halfVectors.ts). New embeddings write theirs; rows from before this version
      -- get theirs from the float32 blob (which stays the source of truth) the first time their model is loaded.
      CREATE TABLE embedding_halves (
        id    INTEGER PRIMARY KEY REFERENCES embeddings (id) ON DELETE CASCADE,
        bits  BLOB NOT NULL
      );
      -- The live rows of a model (ids and content hashes, no vectors) straight from an index, in id order:
      -- through embeddings_model each row would be read from the table, whose rows are the 3 KB vectors. Its
      -- model_key prefix serves every lookup embeddings_model served, so that one goes.
      CREATE INDEX embeddings_model_hash ON embeddings (model_key, id, content_hash);
      DROP INDEX embeddings_model;
    `,
  },
  {
    name: 'perceptual fingerprints for the near-identical tier',
    sql: `
      -- 18 bytes: dHash and pHash (64 bits each) of the pixel thumbnail, then its detail and colourfulness (see
      -- similarity/perceptualHash.ts). NULL until computed: the scan writes it with the thumbnail, and a row from
      -- before this version gets it from its pixel_thumb the next time the library loads (no decode, no rescan).
      ALTER TABLE files ADD COLUMN perceptual_print BLOB;
    `,
  },
  {
    name: 'RAW preview provenance',
    sql: `
      -- How the pixels were read when not from the file's own image: 'embedded-preview' for a camera RAW read
      -- through the JPEG it embeds (preprocess/rawPreview.ts). NULL for every other file; rows scanned before
      -- this version keep NULL rightly, as no RAW extension was crawled then. Existing rows are kept as they are.
      ALTER TABLE files ADD COLUMN decoded_from TEXT;
    `,
  },
  {
    name: 'pixel thumbnails in a table of their own',
    sql: `
      -- The 3 KB pixel thumbnail made every files row a page of its own: a pass over a million files (every load
      -- of the library) read 3-4 GB for columns of a few dozen bytes. Only the rotated-copy rule and a rescan's
      -- reuse read thumbnails, a few files at a time by id (catalog/fileThumbs.ts), so they move here.
      CREATE TABLE file_thumbs (
        file_id  INTEGER PRIMARY KEY REFERENCES files (id) ON DELETE CASCADE,
        thumb    BLOB NOT NULL
      );
      INSERT INTO file_thumbs (file_id, thumb) SELECT id, pixel_thumb FROM files WHERE pixel_thumb IS NOT NULL;
      ALTER TABLE files DROP COLUMN pixel_thumb;
    `,
  },
  {
    name: 'kept groupings and the change counter they are checked against',
    // catalog/groupSnapshots.ts: a counter that triggers bump on every change a grouping depends on, and the
    // groupings kept with the counter they were made at.
    sql: groupSnapshotSchema(),
  },
];

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** Brings the catalog to the newest schema; each step commits with its version, so a crash mid-way resumes cleanly. */
export function migrate(db: DatabaseSync, list: readonly Migration[] = migrations): number {
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new LookalikeError(
      'unavailable',
      `catalog schema version ${current} is newer than this build understands (${list.length}); update Lookalike`,
    );
  }
  for (let version = current; version < list.length; version++) {
    const step = list[version]!;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(step.sql);
      db.exec(`PRAGMA user_version = ${version + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new LookalikeError('unavailable', `migration ${version + 1} (${step.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return list.length;
}
