// Restart recovery of fill spans from a real journal file: an inferred fill's
// spans, a real fill's span and a recognized execution's span are rebuilt for
// the open order; a span list or span that is malformed in the journal is left
// out, and recovery still restores everything else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Order } from '../../../../src/shared/domain.js';
import { Journal } from '../../../../src/engine/journal/journal.js';
import { recoverFromJournal } from '../../../../src/engine/journal/recovery.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const order = (id: string, filledQty: number): Order => ({
  clientOrderId: id, symbol: 'X', side: 'buy', type: 'limit', qty: 20, limitPrice: 100, timeInForce: 'day', status: filledQty ? 'partially_filled' : 'accepted',
  filledQty, avgFillPrice: filledQty ? 100 : 0, source: 'manual', reason: 'test', createdAt: 1, updatedAt: 1,
});
const fill = (id: string, fillId: string, qty: number, extra: Record<string, unknown>) => ({ clientOrderId: id, symbol: 'X', side: 'buy', qty, price: 100, fee: 0, ts: 2, fillId, ...extra });

it('rebuilds the open order\u2019s inferred and real spans, leaving out malformed ones', async () => {
  dir = mkdtempSync(join(tmpdir(), 'td-recovery-spans-'));
  const j = Journal.open(dir);
  j.append(1, 'order', order('a', 0));
  j.append(2, 'fill', fill('a', 'real-1', 5, { span: [5, 10] }));
  j.append(3, 'fill', fill('a', 'inf-1', 5, { inferred: true, spans: [[0, 5]] }));
  j.append(4, 'fill.covered', { fillId: 'real-0', clientOrderId: 'a', qty: 2, span: [0, 2] });
  // malformed: a span list that is not a list, a span that is not two ordered numbers
  j.append(5, 'fill', fill('a', 'bad-1', 1, { inferred: true, spans: 'x' }));
  j.append(6, 'fill', fill('a', 'bad-2', 1, { span: [12, 11] }));
  j.append(7, 'fill.covered', { fillId: 'bad-3', clientOrderId: 'a', qty: 1, span: ['a', 1] });
  await j.close();

  const { snapshot } = recoverFromJournal(dir);
  expect(snapshot.inferredSpans).toEqual([{ clientOrderId: 'a', spans: [[2, 5]] }]);
  expect(snapshot.realSpans).toEqual([{ clientOrderId: 'a', spans: [[5, 10], [0, 2]] }]);
  // everything else is still restored: the order with every fill applied, every execution seen
  expect(snapshot.orders.find((o) => o.clientOrderId === 'a')?.filledQty).toBe(12);
  expect(new Set(snapshot.fillIds)).toEqual(new Set(['real-1', 'inf-1', 'real-0', 'bad-1', 'bad-2', 'bad-3']));
});
