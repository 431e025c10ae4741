// Critical-alert notifications: once per alert, oldest first, at most
// MAX_PER_BATCH per event plus one summary; not-supported only logs.
import { describe, expect, it } from 'vitest';
import { criticalAlertNotifier, MAX_PER_BATCH, nativeNotifier } from '../../../src/main/notifications.js';
import type { Alert } from '../../../src/shared/domain.js';
import { createFakeElectron } from '../../support/fake-electron.js';

const alert = (id: string, level: Alert['level'], ts: number): Alert => ({ id, ts, level, code: `C${id}`, message: `m${id}`, source: 'test' });

describe('criticalAlertNotifier', () => {
  it('notifies each critical alert once, and sums up a storm', () => {
    const shown: string[] = [];
    const onAlerts = criticalAlertNotifier((title, body) => shown.push(`${title}|${body}`));
    onAlerts([alert('2', 'critical', 2), alert('1', 'critical', 1), alert('w', 'warning', 3)]);
    expect(shown).toEqual(['Tradedesk: C1|m1', 'Tradedesk: C2|m2']);
    onAlerts([alert('1', 'critical', 1), alert('2', 'critical', 2)]);
    expect(shown).toHaveLength(2);
    const storm = Array.from({ length: MAX_PER_BATCH + 4 }, (_, i) => alert(`s${i}`, 'critical', 10 + i));
    onAlerts(storm);
    expect(shown).toHaveLength(2 + MAX_PER_BATCH + 1);
    expect(shown.at(-1)).toBe('Tradedesk: more critical alerts|4 more; see the Alerts panel');
  });

  it('only logs where the OS has no notifications', () => {
    const fake = createFakeElectron({ userData: '/tmp/unused', notificationsSupported: false });
    const logs: string[] = [];
    nativeNotifier(fake.electron, (l) => logs.push(l))('T', 'B');
    expect(fake.notifications).toEqual([]);
    expect(logs).toEqual(['notification (not supported here): T: B']);
    const ok = createFakeElectron({ userData: '/tmp/unused' });
    nativeNotifier(ok.electron, () => undefined)('T', 'B');
    expect(ok.notifications).toEqual([{ title: 'T', body: 'B', urgency: 'critical' }]);
  });
});
