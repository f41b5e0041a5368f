// Main's errors are the product's one error type: an ApiError is a LookalikeError, and what crosses IPC is its
// code and message (engine/errors.ts maps anything else to `internal`, never a stack).
export { LookalikeError as ApiError, toErrorPayload } from '../engine/library/index.js';
