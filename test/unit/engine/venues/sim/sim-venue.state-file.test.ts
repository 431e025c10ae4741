// The simulator's state file itself: what a new file holds, and files that are
// refused - damaged, not ours, newer than this version, or not matching the
// universe - each with an error naming the file, and left byte-for-byte unchanged.
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../../src/engine/core/clock.js';
import { SimVenue } from '../../../../../src/engine/venues/sim/sim-venue.js';
import { SIM_STATE_APP_ID, SIM_STATE_SCHEMA_VERSION, SimStateFileError, SimStateVersionError } from '../../../../../src/engine/venues/sim/store.js';
import { SIM_UNIVERSE } from '../../../../../src/engine/venues/sim/universe.js';
import { Recorder } from './helpers.js';
import { readDb, removeTempDirs, stateConfig, tempDir, tradeThenCrash } from './state-helpers.js';

afterEach(() => removeTempDirs());

/** A state file written and closed cleanly (its WAL checkpointed into the main file). */
async function closedStateFile(): Promise<string> {
  const file = join(tempDir(), 'sim-venue.sqlite');
  const cfg = stateConfig();
  const clock = new SimulatedClock(Date.parse(cfg.start));
  const venue = new SimVenue(clock, cfg, { stateFile: file });
  await venue.connect(new Recorder(clock));
  clock.advanceTo(clock.now() + 1_000);
  await venue.submitOrder({ clientOrderId: 'a', symbol: 'SPY', side: 'buy', type: 'market', qty: 3, timeInForce: 'gtc' });
  clock.advanceTo(clock.now() + 120_000);
  venue.close();
  expect(existsSync(`${file}-wal`)).toBe(false);
  return file;
}

function open(file: string) {
  const cfg = stateConfig();
  return () => new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, { stateFile: file });
}

function expectRefused(file: string, errorClass: typeof SimStateFileError | typeof SimStateVersionError, message: RegExp) {
  const before = readFileSync(file);
  let err: unknown;
  try {
    open(file)();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(errorClass);
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toMatch(message);
  expect((err as SimStateFileError).file).toBe(file);
  expect(() => SimVenue.persistedTime(file)).toThrow(errorClass);
  // refused, and not touched
  expect(readFileSync(file).equals(before)).toBe(true);
}

describe('SimVenue state file', () => {
  it('creates a WAL SQLite file with the app id and schema version, and a file-less venue writes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'sim-venue.sqlite');
    expect(SimVenue.persistedTime(file)).toBeUndefined();
    const cfg = stateConfig();
    const venue = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, { stateFile: file });
    expect(venue.stateFile).toBe(file);
    const db = readDb(file);
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    expect(meta.app).toBe(SIM_STATE_APP_ID);
    expect(meta.app).toBe('tradedesk-sim-venue');
    expect(Number(meta.schema_version)).toBe(SIM_STATE_SCHEMA_VERSION);
    expect(meta.seed).toBe(String(cfg.seed));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT cash FROM account').get()).toEqual({ cash: cfg.startingCash });
    // the pre-start history is on file
    expect((db.prepare("SELECT COUNT(*) AS n FROM bars WHERE symbol = 'BTC/USD'").get() as { n: number }).n).toBe(30);
    db.close();
    // the history ends just before the start: the engine resumes from there
    expect(SimVenue.persistedTime(file)).toBe(Date.parse(cfg.start) - 5_000);
    venue.close();
    // an in-memory venue (no state file) still works as before
    const mem = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg);
    expect(mem.stateFile).toBeUndefined();
    expect((await mem.getBars('BTC/USD', 100)).length).toBe(30);
  });

  it('keeps new SimVenue(clock, cfg, universe) and accepts the universe with options', async () => {
    const cfg = stateConfig();
    const few = SIM_UNIVERSE.filter((s) => ['SPY', 'BTC/USD'].includes(s.instrument.symbol));
    const a = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, few);
    expect((await a.instruments()).map((i) => i.symbol)).toEqual(['SPY', 'BTC/USD']);
    const file = join(tempDir(), 's.sqlite');
    const b = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, few, { stateFile: file });
    const c = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, { universe: few, stateFile: join(tempDir(), 't.sqlite') });
    expect((await b.instruments()).map((i) => i.symbol)).toEqual(['SPY', 'BTC/USD']);
    expect((await c.instruments()).map((i) => i.symbol)).toEqual(['SPY', 'BTC/USD']);
    expect(b.lastQuote('SPY')).toEqual(a.lastQuote('SPY'));
    b.close();
    c.close();
    // the default universe with options in fourth place
    const d = new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, undefined, { stateFile: join(tempDir(), 'u.sqlite') });
    expect((await d.instruments()).length).toBe(SIM_UNIVERSE.length);
    expect(d.stateFile).toMatch(/u\.sqlite$/);
    d.close();
  });

  it('starts a new account on an empty (0-byte) file', () => {
    const file = join(tempDir(), 'empty.sqlite');
    writeFileSync(file, '');
    expect(SimVenue.persistedTime(file)).toBeUndefined();
    const v = open(file)();
    expect(SimVenue.persistedTime(file)).toBeDefined();
    v.close();
  });

  it('refuses a file that is not a database', () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    writeFileSync(file, Buffer.from('this is not an SQLite database, just some bytes '.repeat(200)));
    expectRefused(file, SimStateFileError, /cannot be used/);
  });

  it('refuses a damaged state file', async () => {
    const file = await closedStateFile();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    expect(bytes.length / pageSize).toBeGreaterThan(6);
    // scribble over the pages after the schema page
    for (let k = pageSize * 2; k < bytes.length - pageSize; k += 7) bytes[k] = (bytes[k]! ^ 0x5a) & 0xff;
    writeFileSync(file, bytes);
    expectRefused(file, SimStateFileError, /cannot be used/);
  });

  it('refuses a truncated state file', async () => {
    const file = await closedStateFile();
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectRefused(file, SimStateFileError, /cannot be used/);
  });

  it('refuses another application\'s SQLite file', () => {
    const file = join(tempDir(), 'other.sqlite');
    const db = new Database(file);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('app', 'something-else');");
    db.close();
    expectRefused(file, SimStateFileError, /not a Tradedesk simulator state file/);
    const file2 = join(tempDir(), 'other2.sqlite');
    const db2 = new Database(file2);
    db2.exec('CREATE TABLE notes (body TEXT)');
    db2.close();
    expectRefused(file2, SimStateFileError, /not a Tradedesk simulator state file/);
  });

  it('refuses a file written by a newer version', async () => {
    const file = await closedStateFile();
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SIM_STATE_SCHEMA_VERSION + 1));
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expectRefused(file, SimStateVersionError, /newer/);
  });

  it('refuses a file holding a position in an instrument the universe does not simulate', async () => {
    const file = join(tempDir(), 'sim-venue.sqlite');
    await tradeThenCrash(file); // holds DIS and AAPL
    const cfg = stateConfig();
    const noDis = SIM_UNIVERSE.filter((s) => s.instrument.symbol !== 'DIS');
    const size = statSync(file).size;
    expect(() => new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, noDis, { stateFile: file })).toThrow(/DIS/);
    expect(() => new SimVenue(new SimulatedClock(Date.parse(cfg.start)), cfg, noDis, { stateFile: file })).toThrow(file);
    expect(statSync(file).size).toBe(size);
  });
});
