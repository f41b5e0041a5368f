// Small JSON files (the library settings, the window state): read once, validated with zod, written
// atomically (temp file + rename). A missing or corrupt file yields the defaults and is never a crash; a file from
// an older version (without a newer field) keeps its values and gets the defaults for what it lacks.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

export interface JsonStore<T> {
  get(): T;
  set(value: T): Promise<T>;
  /** Changes the value for this process only (a command-line flag), without writing the file. */
  override(change: Partial<T>): void;
}

export async function openJsonStore<S extends z.ZodType>(
  file: string,
  schema: S,
  defaults: z.output<S>,
  log?: (line: string) => void,
): Promise<JsonStore<z.output<S>>> {
  let value: z.output<S> = defaults;
  try {
    const stored: unknown = JSON.parse(await readFile(file, 'utf8'));
    const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
    const parsed = schema.safeParse(isRecord(stored) && isRecord(defaults) ? { ...defaults, ...stored } : stored);
    if (parsed.success) value = parsed.data;
    else log?.(`${path.basename(file)} is invalid, using defaults: ${parsed.error.message}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log?.(`${path.basename(file)} is unreadable, using defaults`);
  }
  let writing: Promise<unknown> = Promise.resolve();
  return {
    get: () => value,
    override(change) {
      value = schema.parse({ ...(value as object), ...change });
    },
    set(next) {
      value = schema.parse(next);
      const snapshot = JSON.stringify(value, null, 2);
      const tmp = `${file}.${process.pid}.tmp`;
      // Serialised, so two quick saves cannot interleave their renames.
      const write = writing.then(async () => {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(tmp, snapshot);
        await rename(tmp, file);
      });
      writing = write.catch(() => undefined);
      return write.then(() => value);
    },
  };
}
