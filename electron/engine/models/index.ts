// The model manager's public surface: registry, download, import, selection and provenance.
export { defaultDataDir, hubModelDir, importedModelDir, modelsRoot, MANIFEST_FILE } from './paths.js';
export {
  findModel,
  findRegistryFile,
  isModelDtype,
  loadRegistry,
  MODEL_DTYPES,
  recommendedDtype,
  UnknownModelError,
  type Registry,
  type RegistryModel,
} from './registry.js';
export { assertAllowedUrl, hubEndpoint, InsecureEndpointError, resolveUrl } from './endpoint.js';
export { DownloadCancelledError, DownloadError, type DownloadProgress } from './httpFile.js';
export { IntegrityError, sha256File } from './integrity.js';
export { downloadModel, isOfflineEnv, OfflineError, type DownloadModelParams, type DownloadModelResult } from './download.js';
export { importModel, ImportError, inspectModelFolder, type ImportModelParams, type ImportModelResult } from './importModel.js';
export { SmokeTestError } from './smokeTest.js';
export { readManifest, ManifestError, type ModelManifest } from './manifest.js';
export {
  listInstalled,
  NO_MODEL_MESSAGE,
  NoModelError,
  readSelected,
  removeModel,
  resolveModelDir,
  resolveSelectedModel,
  selectModel,
  type InstalledModel,
  type ResolvedModel,
  type SelectedModel,
} from './selection.js';
export { readModelProvenance, type ProvenanceOptions } from './provenance.js';
