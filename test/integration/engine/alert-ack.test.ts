// The acknowledgeAlert command: the engine marks the alert, journals an
// 'alert.ack' record with the operator as actor, publishes the alerts topic,
// and refuses an unknown or already acknowledged alert with a reason.
import { describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../src/shared/domain.js';
import { createEngine } from '../../../src/engine/engine.js';
import { ApiFailure } from '../../../src/shared/api/protocol.js';

describe('acknowledgeAlert', () => {
  it('marks, journals and publishes the acknowledgement; refuses unknown and repeated ones', async () => {
    const recs: Array<{ kind: string; payload: unknown }> = [];
    const e = await createEngine({ sim: { speed: 'max' } }, { journal: { append: (_ts, kind, payload) => recs.push({ kind, payload }) } });
    await e.prepare();
    const sent: Alert[][] = [];
    const off = e.onEvent((ev) => ev.topic === 'alerts' && sent.push(ev.data));
    const a = e.alerts.raise('critical', 'TEST_ALERT', 'something broke', 'test')!;
    await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0), { timeout: 10_000 });
    const acked = await e.handlers.acknowledgeAlert({ id: a.id });
    expect(acked).toMatchObject({ id: a.id, code: 'TEST_ALERT', acknowledgedAt: e.now() });
    expect(recs.filter((r) => r.kind === 'alert.ack').map((r) => r.payload)).toEqual([{ id: a.id, code: 'TEST_ALERT', actor: 'operator' }]);
    const snap = await e.handlers.snapshot({});
    expect(snap.alerts.find((x) => x.id === a.id)?.acknowledgedAt).toBe(acked.acknowledgedAt);
    // the alerts topic goes out again with the next coalesced batch, the alert marked
    await vi.waitFor(() => expect(sent.at(-1)?.find((x) => x.id === a.id)?.acknowledgedAt).toBe(acked.acknowledgedAt), { timeout: 10_000 });
    off();
    await expect(async () => e.handlers.acknowledgeAlert({ id: a.id })).rejects.toMatchObject({ code: 'ALREADY_ACKNOWLEDGED' });
    await expect(async () => e.handlers.acknowledgeAlert({ id: 'nope' })).rejects.toBeInstanceOf(ApiFailure);
    expect(recs.filter((r) => r.kind === 'alert.ack')).toHaveLength(1);
    await e.stop();
  });
});
