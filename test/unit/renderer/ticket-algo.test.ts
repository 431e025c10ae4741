// The order ticket's execution choice: which AlgoRequest the typed fields make,
// and the per-field reason when they make none.
import { describe, expect, it } from 'vitest';
import { AlgoRequest } from '../../../src/shared/api/contract.js';
import { buildAlgo, type AlgoFields } from '../../../src/renderer/src/lib/ticket-algo.js';

const blank: AlgoFields = { exec: 'direct', durationMin: '', sliceSec: '', capPct: '', displayQty: '' };

describe('buildAlgo', () => {
  it('Direct sends no algorithm, whatever the algorithm fields hold', () => {
    expect(buildAlgo({ ...blank, durationMin: 'x' }, 'market', 10)).toEqual({ algo: undefined, errors: {} });
  });

  it('TWAP/VWAP convert minutes, seconds and percent to the contract units', () => {
    const r = buildAlgo({ ...blank, exec: 'vwap', durationMin: '4', sliceSec: '30', capPct: '25' }, 'market', 100);
    expect(r).toEqual({ algo: { kind: 'vwap', durationMs: 240_000, sliceMs: 30_000, participationCap: 0.25 }, errors: {} });
    expect(AlgoRequest.parse(r.algo)).toEqual(r.algo);
    expect(buildAlgo({ ...blank, exec: 'twap' }, 'limit', 100).algo).toEqual({ kind: 'twap' }); // blanks: engine defaults
  });

  it('names the bad field and sends nothing', () => {
    const cases: Array<[Partial<AlgoFields>, keyof ReturnType<typeof buildAlgo>['errors']]> = [
      [{ durationMin: '0' }, 'durationMin'],
      [{ durationMin: '20000' }, 'durationMin'],
      [{ durationMin: 'abc' }, 'durationMin'],
      [{ sliceSec: '0.5' }, 'sliceSec'],
      [{ durationMin: '1', sliceSec: '120' }, 'sliceSec'],
      [{ capPct: '0' }, 'capPct'],
      [{ capPct: '101' }, 'capPct'],
    ];
    for (const [over, field] of cases) {
      const r = buildAlgo({ ...blank, exec: 'twap', ...over }, 'market', 100);
      expect(r.algo, JSON.stringify(over)).toBeUndefined();
      expect(Object.keys(r.errors), JSON.stringify(over)).toEqual([field]);
    }
  });

  it('Iceberg needs a limit order and a display quantity within the order', () => {
    expect(buildAlgo({ ...blank, exec: 'iceberg', displayQty: '10' }, 'limit', 100)).toEqual({ algo: { kind: 'iceberg', displayQty: 10 }, errors: {} });
    expect(buildAlgo({ ...blank, exec: 'iceberg' }, 'market', 100).errors.exec).toMatch(/limit/);
    expect(buildAlgo({ ...blank, exec: 'iceberg', displayQty: '200' }, 'limit', 100).errors.displayQty).toMatch(/not exceed/);
    expect(buildAlgo({ ...blank, exec: 'iceberg', displayQty: '-1' }, 'limit', 100).errors.displayQty).toMatch(/positive/);
  });
});
