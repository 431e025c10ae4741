// UI benchmark peer page: a bare WebSocket whose every message is parsed and
// written straight to textContent; the value counts as shown at the next
// animation frame (when it is painted), the same rule as ours.
import { EventProbe, valueElement, wallNow, wsUrl, type EventBenchApi } from './event-probe.js';

const probe = new EventProbe();
const el = valueElement();
const ws = new WebSocket(wsUrl());
let pending = -1;
ws.onopen = () => {
  probe.connected = true;
};
ws.onmessage = (m: MessageEvent) => {
  const q = (JSON.parse(String(m.data)) as { data: Array<{ ts: number; bid: number }> }).data[0]!;
  probe.receive(q.bid, q.ts);
  el.textContent = String(q.bid);
  if (pending < 0) requestAnimationFrame(() => {
    probe.shown(pending, wallNow());
    pending = -1;
  });
  pending = q.bid;
};
(window as unknown as { __bench: EventBenchApi }).__bench = probe.api();
