// The scanner's public surface: scanLibrary(params, { signal, onProgress, pause }) and what it needs.
export { scanLibrary } from './scanLibrary.js';
export type { StoredScanCounts, StoredScanParams } from './scanLibrary.js';
export { PauseGate } from './pause.js';
export { crawlRoots, normalizeRoots } from './crawl.js';
export type { CrawlOptions, CrawlResult } from './crawl.js';
export { photoExtensions, hasPhotoExtension } from './formats.js';
export type { FailedFile, ScanEmbedder, ScanOptions, ScanParams, ScanPhase, ScanProgress, ScanSummary } from './types.js';
export { DEFAULT_FILE_TIMEOUT_MS, FILE_TIMEOUT_ENV, fileTimeoutMs, overdueCalls, readJournal, settleDeath } from './crashJournal.js';
export type { CrashVerdict, Death, JournalState, NativeCall, Settled } from './crashJournal.js';
