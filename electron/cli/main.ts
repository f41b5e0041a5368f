// `lookalike <command> …`: the CLI front end of the Library. Commands load lazily, so `models list` does not
// load the catalog. Errors become exit codes here, once: a LookalikeError by its code, anything else is a bug.
import { readFileSync } from 'node:fs';
import { asLookalikeError, exitCodeOf } from '../engine/library/index.js';
import { ExitCode, type CliCommand, type CliIO } from './command.js';

const commands: Record<string, () => Promise<{ command: CliCommand }>> = {
  scan: () => import('./commands/scan.js'),
  status: () => import('./commands/status.js'),
  dupes: () => import('./commands/dupes.js'),
  resolve: () => import('./commands/resolve.js'),
  calibrate: () => import('./commands/calibrate.js'),
  evaluate: () => import('./commands/evaluate.js'),
  undo: () => import('./commands/undo.js'),
  held: () => import('./commands/held.js'),
  search: () => import('./commands/search.js'),
  compare: () => import('./commands/compare.js'),
  embed: () => import('./commands/embed.js'),
  export: () => import('./commands/export.js'),
  models: () => import('./commands/models.js'),
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function help(io: CliIO): Promise<void> {
  const lines = ['Usage: lookalike <command> [options]', '', 'Commands:'];
  for (const load of Object.values(commands)) {
    const { command } = await load();
    lines.push(`  ${command.name.padEnd(9)} ${command.summary}`);
  }
  lines.push(
    '',
    'Run `lookalike <command> --help` for its options. Every library command takes --data-dir DIR (default: the',
    'platform app data folder, e.g. ~/.local/share/lookalike, shared with the app) and --db FILE.',
    'Exit codes: 0 ok, 1 some files failed or cancelled, 2 usage or model error, 70 internal error (please report).',
  );
  io.stdout.write(lines.join('\n') + '\n');
}

/** One mapping from errors to exit codes: parse errors and LookalikeErrors by code; anything else is a bug. */
export function reportError(name: string, command: CliCommand, err: unknown, io: CliIO): number {
  const parseCode = (err as { code?: string }).code ?? '';
  if (parseCode.startsWith('ERR_PARSE_ARGS')) {
    io.stderr.write(`lookalike ${name}: ${(err as Error).message}\nUsage: ${command.usage}\n`);
    return ExitCode.usage;
  }
  const e = asLookalikeError(err);
  if (e.code === 'internal') {
    io.stderr.write(`lookalike ${name}: internal error: ${(err as Error).stack ?? String(err)}\nThis is a bug in Lookalike: please report it with the lines above.\n`);
  } else {
    io.stderr.write(`lookalike ${name}: ${e.message}\n${e.code === 'invalid-request' ? `Usage: ${command.usage}\n` : ''}`);
  }
  return exitCodeOf(e.code);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name ? ExitCode.ok : ExitCode.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(version() + '\n');
    return ExitCode.ok;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`lookalike: unknown command "${name}". Run \`lookalike --help\`.\n`);
    return ExitCode.usage;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`Usage: ${command.usage}\n${command.summary}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    return reportError(name, command, err, io);
  }
}
