// The engine's public entry for front ends: the Library facade and what its callers need to name. The CLI, the
// app's engine process and main import the engine through here (and models/index.ts for the model manager).
export { Library, openLibrary, type LibraryEvent, type LibraryOptions } from './library.js';
export { adoptLegacyData, dataPaths, resolveDataDir, DATA_DIR_ENV, type DataPaths } from './dataDir.js';
export { defaultSettings, settingsSchema, absolutePath, thresholdSchema, type Settings } from './settings.js';
export { openJsonStore, type JsonStore } from './jsonStore.js';
export { groupToJson, groupsToCsv, groupsToJson, writeResultsFile, type GroupJson, type GroupsJson } from './exportResults.js';
export type { JobControl, JobEvent } from './jobs.js';
export type { CatalogStatus, ScanView } from './catalogStatus.js';
export { toScanSummary, type ScanOutcome, type ScanRequest } from './scanning.js';
export type { FeatureExportPlan, FeatureExportRequest, ExportResult } from './featureExport.js';
export type { ResolveAllRequest, ResolveGroupRequest } from './resolution.js';
export { emptyStatus as emptyEngineStatus, type EngineOptions } from './session.js';
export { LookalikeError, asLookalikeError, exitCodeOf, fromErrorPayload, isLookalikeError, toErrorPayload, type ErrorPayload } from '../errors.js';
export type { TrashFn } from '../resolve/actions.js';
export { trashWithPackage } from '../resolve/systemTrash.js';
export { expandImageInputs } from '../scan/expandInputs.js';
export { fileTimeoutMs, overdueCalls, readJournal, settleDeath, FILE_TIMEOUT_ENV, type Death, type Settled } from '../scan/index.js';
export { cosineSimilarity } from '../vectors.js';
export { formatFromPath } from '../export/formats.js';
export type { Engine } from '../engine.js';
export type { ModelProvenance, EmbedItem, JobProgress } from '../types.js';
export type * from './types.js';
export { listHeldFiles, type HeldFile, type HeldFolder, type HeldReport } from './heldFiles.js';
