// Why every onnxruntime session is created after disableOrtTelemetry().
//
// onnxruntime-node 1.30's Linux build carries Microsoft's 1DS telemetry client. When the first session is
// created (InferenceSessionWrap::InitOrtOnce -> OrtEnv), that client reads /etc/machine-id and the whole of
// /proc/self/cmdline, and parses the command line with a recursive matcher: about 2.5 stack frames per byte
// (gdb: ~86,900 frames cycling through three functions for a 34 KB command line). Past ~25-30 KB that overflows
// the 8 MB main-thread stack and the process dies with SIGSEGV (exit 139): `lookalike embed` with 500+ photo
// paths did, and so did a bare `InferenceSession.create()` in a script given 1,000 arguments. A worker thread in
// the same process crashes the same way (it reads the same /proc/self/cmdline, on a smaller stack).
//
// ORT_DISABLE_TELEMETRY=1 makes onnxruntime skip that client entirely: nothing reads the command line, nothing
// writes the empty /tmp/mat-debug-<pid>.log it otherwise leaves per process, and nothing is collected, which is
// also what an app that promises "nothing leaves your computer" must do. onnxruntime reads it with getenv() at
// that first session, so it must be in the C environment by then: assigning process.env does that on a
// process's main thread, but a worker thread's process.env is a private copy, so engines in workers depend on
// their process having set it (the app's engine runs in a child process, which sets it itself).
export const ORT_TELEMETRY_ENV = 'ORT_DISABLE_TELEMETRY';

/** Call before any onnxruntime session is created; cheap and idempotent. */
export function disableOrtTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  // A user's ORT_DISABLE_TELEMETRY=0 is overridden on purpose: with it, long command lines crash.
  env[ORT_TELEMETRY_ENV] = '1';
}
