// AlertLog: raising, throttling repeats, and the operator's acknowledgement
// (marks the kept alert, refuses unknown ids and a second acknowledgement).
import { describe, expect, it } from 'vitest';
import { AlertLog } from '../../../../src/engine/core/alerts.js';

describe('AlertLog', () => {
  it('acknowledges a kept alert once and keeps it listed, marked', () => {
    let now = 1_000;
    const raised: string[] = [];
    const log = new AlertLog(() => now, (a) => raised.push(a.id));
    const a = log.raise('critical', 'VENUE_DISCONNECTED', 'venue sim disconnected', 'venue')!;
    log.raise('info', 'X', 'other', 'test');
    now = 5_000;
    const r = log.acknowledge(a.id, now);
    expect(r).toEqual({ alert: { ...a, acknowledgedAt: 5_000 } });
    expect(log.recent().find((x) => x.id === a.id)?.acknowledgedAt).toBe(5_000);
    expect(log.recent().filter((x) => x.acknowledgedAt === undefined).map((x) => x.code)).toEqual(['X']);
    expect(raised).toHaveLength(2);
  });

  it('refuses an unknown id and a second acknowledgement, naming why', () => {
    const log = new AlertLog(() => 0, () => undefined);
    const a = log.raise('warning', 'RISK_DENIED', 'denied', 'ens')!;
    expect(log.acknowledge('a999', 1)).toMatchObject({ refused: 'UNKNOWN_ALERT', message: expect.stringContaining("no alert 'a999'") });
    expect(log.acknowledge(a.id, 1)).toHaveProperty('alert');
    expect(log.acknowledge(a.id, 2)).toMatchObject({ refused: 'ALREADY_ACKNOWLEDGED', message: expect.stringContaining('acknowledged already') });
    expect(log.recent()[0]?.acknowledgedAt).toBe(1);
  });
});
