// Builds the venue the config asks for. Today: the built-in simulator, whose
// account and market live in <data-dir>/sim-venue.sqlite when a data dir is given.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import type { SimConfig } from '../core/config.js';
import { SimVenue } from './sim/sim-venue.js';
import type { Venue } from './venue.js';

export const SIM_STATE_FILE = 'sim-venue.sqlite';

export function simStateFile(dataDir: string): string {
  return join(dataDir, SIM_STATE_FILE);
}

export function createSimVenue(clock: Clock, cfg: SimConfig, dataDir?: string): Venue {
  return dataDir ? new SimVenue(clock, cfg, undefined, { stateFile: simStateFile(dataDir) }) : new SimVenue(clock, cfg);
}

/** The simulated time the persisted simulator reached, if it has a state file. */
export function simResumeTime(dataDir: string): number | undefined {
  const file = simStateFile(dataDir);
  return existsSync(file) ? SimVenue.persistedTime(file) : undefined;
}
