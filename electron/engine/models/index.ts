// The model manager's public surface: registry, download, import, selection and provenance. Its refusals are
// LookalikeErrors (../errors.ts): tell them apart by code, e.g. isLookalikeError(err, 'no-model').
export { defaultDataDir, hubModelDir, importedModelDir, modelsRoot, MANIFEST_FILE } from './paths.js';
export {
  findModel,
  findRegistryFile,
  isModelDtype,
  loadRegistry,
  MODEL_DTYPES,
  pickDefaultDtype,
  recommendedDtype,
  registryFileFor,
  type Registry,
  type RegistryModel,
} from './registry.js';
export { assertAllowedUrl, hubEndpoint, resolveUrl } from './endpoint.js';
export { type DownloadProgress } from './httpFile.js';
export { sha256File } from './integrity.js';
export { downloadModel, isOfflineEnv, type DownloadModelParams, type DownloadModelResult } from './download.js';
export { importModel, inspectModelFolder, type ImportModelParams, type ImportModelResult } from './importModel.js';
export { readManifest, type ModelManifest } from './manifest.js';
export {
  listInstalled,
  NO_MODEL_MESSAGE,
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
