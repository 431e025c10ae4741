// `tradedesk serve`: creates and starts the engine, builds the renderer if it is
// stale, and serves UI + WebSocket API on 127.0.0.1. stdout carries exactly one
// line (the UI URL with its token); everything else goes to stderr.
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConfigInput } from '../engine/core/config.js';
import type { CalendarChoice } from '../engine/data/bar-calendar.js';
import type { EngineHandle } from '../engine/engine-api.js';
import { parseCalendar, parseEndpoints, resolveDataDir } from './common-flags.js';
import { ensureRendererBuilt, RENDERER_OUT } from './renderer-build.js';
import { portsToTry, readServeSession, writeServeSession } from './serve-session.js';
import { LOOPBACK, startServer, type RunningServer } from './server.js';
import { CliError, UsageError } from './usage.js';

export const DEFAULT_PORT = 5317;

export interface ServeOptions {
  port: number;
  /** --port was given: that port only (0 still prefers the data dir's previous port). */
  portExplicit?: boolean;
  seed?: number;
  speed?: number | 'max';
  profile?: string;
  dataDir: string;
  /** Show the journal without trading on it. */
  readOnly?: boolean;
  /** 'sim' (default), 'alpaca-paper', 'alpaca-live' or 'ccxt:<exchange>'. */
  venue?: string;
  endpoints?: Record<string, string>;
  symbols?: string[];
  /** ccxt: trade the real account instead of the exchange's testnet. */
  live?: boolean;
  /** 'ccxt:<id>[=URL]': compare crypto prices with this exchange's public ticker. */
  crossCheck?: string;
  /** Replay these CSV bar files through the backtest's bar venue instead of the simulator (see serve-bars.ts). */
  bars?: string[];
  /** With bars: the strategies to run (as `tradedesk backtest --strategy`). */
  strategies?: string[];
  /** With bars: the cost model on (default) or off (as `tradedesk backtest --costs`). */
  costs?: 'model' | 'none';
  /** With bars: the stocks' market calendar (as `tradedesk backtest --calendar`). */
  calendar?: CalendarChoice;
  /** 'auto' builds out/renderer when stale; 'skip' serves whatever exists (bench). */
  ui: 'auto' | 'skip';
  log: (line: string) => void;
}

export interface ServeHandle {
  engine: EngineHandle;
  server: RunningServer;
  stop(): Promise<void>;
}

function parseIntArg(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function parseServeArgs(argv: string[], log: (line: string) => void): ServeOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      profile: { type: 'string' },
      'data-dir': { type: 'string' },
      'read-only': { type: 'boolean' },
      venue: { type: 'string' },
      endpoint: { type: 'string', multiple: true },
      symbols: { type: 'string' },
      live: { type: 'boolean' },
      'cross-check': { type: 'string' },
      bars: { type: 'string', multiple: true },
      strategy: { type: 'string', multiple: true },
      costs: { type: 'string' },
      calendar: { type: 'string' },
    },
  });
  if (values.strategy && !values.bars) throw new UsageError('--strategy applies to a replay: give --bars FILE.csv');
  if (values.costs !== undefined && !values.bars) throw new UsageError('--costs applies to a replay: give --bars FILE.csv');
  if (values.costs !== undefined && values.costs !== 'model' && values.costs !== 'none') {
    throw new UsageError(`--costs must be model or none, got ${JSON.stringify(values.costs)}`);
  }
  if (values.calendar !== undefined && !values.bars) throw new UsageError('--calendar applies to a replay: give --bars FILE.csv');
  const calendar = parseCalendar(values.calendar);
  if (values.bars) {
    const clash = (['venue', 'symbols', 'read-only', 'live', 'cross-check', 'profile'] as const).filter((k) => values[k] !== undefined);
    if (clash.length) throw new UsageError(`--bars replays a CSV through the backtest venue; leave out ${clash.map((k) => `--${k}`).join(', ')}`);
  }
  const endpoints = parseEndpoints(values.endpoint);
  if (values.host !== undefined && values.host !== LOOPBACK && values.host !== 'localhost') {
    throw new UsageError(`--host ${values.host} refused: tradedesk serve listens on ${LOOPBACK} only`);
  }
  let speed: number | 'max' | undefined;
  if (values.speed !== undefined) {
    speed = values.speed === 'max' ? 'max' : Number(values.speed);
    if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) {
      throw new UsageError(`--speed must be a positive number or 'max', got ${JSON.stringify(values.speed)}`);
    }
  }
  return {
    port: parseIntArg('port', values.port, 0, 65535) ?? DEFAULT_PORT,
    portExplicit: values.port !== undefined,
    seed: parseIntArg('seed', values.seed, 0, Number.MAX_SAFE_INTEGER),
    speed,
    profile: values.profile,
    dataDir: resolveDataDir(values['data-dir']),
    readOnly: values['read-only'] ?? false,
    venue: values.venue,
    endpoints,
    symbols: values.symbols ? values.symbols.split(',').map((x) => x.trim()).filter(Boolean) : undefined,
    live: values.live ?? false,
    crossCheck: values['cross-check'],
    bars: values.bars,
    strategies: values.strategy,
    costs: values.costs as 'model' | 'none' | undefined,
    calendar,
    ui: 'auto',
    log,
  };
}

/** Starts engine + server (used by `serve` and, in-process, by the bench). */
export async function startServe(opts: ServeOptions): Promise<ServeHandle> {
  mkdirSync(opts.dataDir, { recursive: true });
  const { createEngine } = await import('../engine/engine.js');
  const input: ConfigInput = { sim: {} };
  if (opts.seed !== undefined) input.sim!.seed = opts.seed;
  if (opts.speed !== undefined) input.sim!.speed = opts.speed;
  if (opts.profile !== undefined) input.profile = opts.profile as ConfigInput['profile'];
  if (opts.venue !== undefined) input.venue = opts.venue;
  if (opts.endpoints && Object.keys(opts.endpoints).length) input.endpoints = opts.endpoints;
  if (opts.symbols) input.symbols = opts.symbols;
  if (opts.crossCheck) {
    const [venue, url] = opts.crossCheck.split(/=(.*)/s);
    input.crossCheck = { venue, url: url ?? '', thresholdPct: 0.005 };
  }
  const live = opts.venue === 'alpaca-live' || (opts.venue?.startsWith('ccxt:') && opts.live);
  if (opts.live && !opts.venue?.startsWith('ccxt:')) throw new UsageError('--live applies to ccxt venues; for Alpaca choose --venue alpaca-live');
  if (opts.venue?.startsWith('ccxt:')) input.ccxtSandbox = !live;
  if (live) {
    // the explicit gate: live trading must be enabled in settings with a typed confirmation
    const { readSettings, LIVE_CONFIRMATION } = await import('../engine/core/settings.js');
    if (!readSettings(opts.dataDir).liveTrading.enabled) {
      throw new CliError(
        `live trading is not enabled for ${opts.dataDir}: enable it in Settings, or run \`tradedesk live enable --data-dir ${opts.dataDir}\` and type "${LIVE_CONFIRMATION}"`,
        1,
      );
    }
    input.mode = 'live';
    input.liveConfirmed = true;
  }
  let engine: EngineHandle;
  try {
    if (opts.bars) {
      const { createBarsEngine } = await import('./serve-bars.js');
      engine = await createBarsEngine({ files: opts.bars, strategies: opts.strategies, costs: opts.costs, calendar: opts.calendar, seed: opts.seed, speed: opts.speed, dataDir: opts.dataDir, log: opts.log });
    } else engine = await createEngine(input, { dataDir: opts.dataDir, readOnly: opts.readOnly });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'CONFIG_INVALID') throw new UsageError((e as Error).message);
    // a damaged or too-new journal: say which file and what to do; never touch it
    if (code === 'JOURNAL_CORRUPT' || code === 'JOURNAL_TOO_NEW' || code === 'CREDENTIALS_MISSING' || code === 'KEYCHAIN_UNAVAILABLE' || code === 'SETTINGS_INVALID') {
      throw new CliError((e as Error).message, 1);
    }
    throw e;
  }

  let staticRoot: string | null = null;
  if (opts.ui === 'auto') {
    try {
      staticRoot = await ensureRendererBuilt(opts.log);
      if (!staticRoot) opts.log('no renderer sources (src/renderer/index.html) and no build: serving a placeholder page');
    } catch (e) {
      opts.log(`UI build failed: ${(e as Error).message}`);
      staticRoot = existsSync(resolve(RENDERER_OUT, 'index.html')) ? RENDERER_OUT : null;
      opts.log(staticRoot ? 'serving the previous UI build' : 'serving a placeholder page');
    }
  } else {
    staticRoot = existsSync(resolve(RENDERER_OUT, 'index.html')) ? RENDERER_OUT : null;
  }

  try {
    await engine.start();
  } catch (e) {
    await engine.stop().catch(() => undefined);
    throw new CliError(`could not start on ${engine.config.venue}: ${(e as Error).message}`, 1);
  }
  let server: RunningServer;
  try {
    server = await listen(opts, engine, staticRoot);
  } catch (e) {
    await engine.stop();
    throw e;
  }
  writeServeSession(opts.dataDir, { port: server.port, token: server.token }, opts.log);
  return {
    engine,
    server,
    async stop() {
      await server.close();
      await engine.stop();
    },
  };
}

/**
 * Starts the server with the data dir's previous token, on its previous port
 * when that is free (an open page then reconnects by itself), else on the
 * requested one, saying so.
 */
async function listen(opts: ServeOptions, engine: EngineHandle, staticRoot: string | null): Promise<RunningServer> {
  const previous = readServeSession(opts.dataDir, opts.log);
  const ports = portsToTry(opts.port, opts.portExplicit ?? false, previous);
  for (let i = 0; ; i++) {
    const port = ports[i]!;
    try {
      const server = await startServer({ engine, port, staticRoot, log: opts.log, token: previous?.token });
      if (previous) opts.log(`the previous session's token reused${server.port === previous.port ? ` on its port ${server.port}` : ''}: an open page reconnects by itself`);
      return server;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      const next = ports[i + 1];
      if (next === undefined) throw new CliError(`port ${port} on ${LOOPBACK} is in use; pick another with --port N (0 = any free port)`, 1);
      opts.log(`port ${port} (the previous serve's on this data dir) is in use; serving on ${next === 0 ? 'a free port' : `port ${next}`} instead — an open page must be reopened from the new UI: link`);
    }
  }
}

export async function runServe(argv: string[]): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const opts = parseServeArgs(argv, log);
  // signal handlers go in before anything is printed: a SIGTERM sent the moment
  // the UI line appears must find them (it did not, once in a while, on a busy machine)
  let handle: ServeHandle | undefined;
  let stopping = false;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (resolveExit = r));
  const shutdown = (): void => {
    if (!handle) return; // still starting: stopped as soon as the start completes
    handle.stop().then(
      () => resolveExit(0),
      (e: Error) => {
        log(`shutdown error: ${e.message}`);
        resolveExit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping engine and server`);
    shutdown();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    handle = await startServe(opts);
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw e;
  }
  const cfg = handle.engine.config;
  if (opts.readOnly) log(`read-only: showing the journal in ${opts.dataDir} without trading`);
  log(`engine started: ${cfg.mode} on ${cfg.venue}, profile ${cfg.profile}, seed ${cfg.sim.seed}, speed ${cfg.sim.speed}; data dir ${opts.dataDir}`);
  if (stopping) shutdown();
  else process.stdout.write(`UI: ${handle.server.uiUrl}\n`);
  return exited;
}
