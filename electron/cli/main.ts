// `lookalike <command> …`: the first front end of the engine. Commands load lazily, so `compare` does not pay for
// the catalog and `models list` does not load onnxruntime.
import { readFileSync } from 'node:fs';
import { ExitCode, UsageError, type CliCommand, type CliIO } from './command.js';

const commands: Record<string, () => Promise<{ command: CliCommand }>> = {
  scan: () => import('./commands/scan.js'),
  status: () => import('./commands/status.js'),
  dupes: () => import('./commands/dupes.js'),
  resolve: () => import('./commands/resolve.js'),
  undo: () => import('./commands/undo.js'),
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
  lines.push('', 'Run `lookalike <command> --help` for its options. Exit codes: 0 ok, 1 some files failed, 2 usage or model error.');
  io.stdout.write(lines.join('\n') + '\n');
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
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (err as { code?: string }).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`lookalike ${name}: ${(err as Error).message}\nUsage: ${command.usage}\n`);
      return ExitCode.usage;
    }
    io.stderr.write(`lookalike ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return ExitCode.usage;
  }
}
