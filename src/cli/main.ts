// tradedesk CLI entry: dispatches to serve | ctl | bench | journal | replay | metrics | features | backtest | credentials | live. Subcommands are
// imported lazily so `--help` stays fast. Exit codes: 0 ok, 1 runtime failure,
// 2 usage error (unknown flag or subcommand, bad value), with usage on stderr.
import { parseArgs } from 'node:util';
import { CliError, USAGE, UsageError } from './usage.js';

const SUBCOMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  serve: async () => (await import('./serve.js')).runServe,
  ctl: async () => (await import('./ctl.js')).runCtl,
  bench: async () => (await import('./bench.js')).runBench,
  journal: async () => (await import('./journal-command.js')).runJournal,
  replay: async () => (await import('./replay-command.js')).runReplay,
  live: async () => (await import('./live-command.js')).runLive,
  credentials: async () => (await import('./credentials-command.js')).runCredentials,
  features: async () => (await import('./features-command.js')).runFeatures,
  backtest: async () => (await import('./backtest-command.js')).runBacktestCommand,
  metrics: async () => {
    const { runMetrics } = await import('./metrics-command.js');
    return (argv: string[]) => runMetrics(argv);
  },
};

function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && (e as unknown as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub.startsWith('-')) {
    // only global flags here: --help
    try {
      const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { help: { type: 'boolean', short: 'h' } } });
      if (values.help) {
        process.stdout.write(USAGE);
        return 0;
      }
    } catch (e) {
      if (!isParseArgsError(e)) throw e;
      process.stderr.write(`tradedesk: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`tradedesk: missing command\n\n${USAGE}`);
    return 2;
  }
  const load = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!load) {
    process.stderr.write(`tradedesk: unknown command ${JSON.stringify(sub)}\n\n${USAGE}`);
    return 2;
  }
  // these print their own, more detailed help
  const ownHelp = sub === 'metrics' || sub === 'credentials' || sub === 'backtest';
  if (!ownHelp && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const run = await load();
    return await run(rest);
  } catch (e) {
    if (isParseArgsError(e) || e instanceof UsageError) {
      process.stderr.write(`tradedesk ${sub}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CliError) {
      process.stderr.write(`tradedesk ${sub}: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`tradedesk ${sub}: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // a failed or finished command may leave handles (timers, sockets) behind; do not hang on them.
    setTimeout(() => process.exit(code), 200).unref();
  },
  (e: unknown) => {
    process.stderr.write(`tradedesk: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
