// The weighted vote and the portfolio constraints, as pure functions. The vote
// nets long against short signals on one symbol into a score in [-1, 1]; the
// constraints turn it into a target quantity: full-conviction size x regime
// size multiplier x volatility targeting, capped per position and per sector,
// with the traded amount capped by the rebalance's turnover budget. A held
// position is not cut because other positions fill a cap (the cap stops it
// growing), is not resized inside the no-trade band, and is closed before the
// other side is opened (a reversal is two decisions, two round trips).
import { roundToLot } from '../strategy.js';

export interface Ballot {
  strategy: string;
  score: number;
  /** Weight before the debate: strategy weight x score x confidence x decay. */
  weight: number;
  /** The debate's multiplier. */
  multiplier: number;
}

/** Net vote = sum(w_i x s_i) / sum(w_i) over the ballots, w_i = weight x multiplier; the normalized weights too. */
export function weightedVote(ballots: Ballot[]): { net: number; weights: Record<string, number> } {
  let sw = 0;
  let sws = 0;
  for (const b of ballots) {
    const w = b.weight * b.multiplier;
    sw += w;
    sws += w * b.score;
  }
  const weights: Record<string, number> = {};
  for (const b of ballots) weights[b.strategy] = sw > 0 ? (b.weight * b.multiplier) / sw : 0;
  return { net: sw > 0 ? Math.max(-1, Math.min(1, sws / sw)) : 0, weights };
}

export interface ConstraintInput {
  net: number;
  minNet: number;
  /** A held position's no-trade band, as a fraction of it. */
  rebalanceBand: number;
  positionPct: number;
  sizeMultiplier: number;
  /** targetVol / the symbol's annualized volatility, already capped. */
  volScale: number;
  maxPositionPct: number;
  maxSectorPct: number;
  minTradePct: number;
  shortable: boolean;
  equity: number;
  price: number;
  lotSize: number;
  /** Position plus open orders (signed). */
  currentQty: number;
  /** Gross notional of the sector without this symbol. */
  sectorOthers: number;
  /** Gross notional of the asset class without this symbol, and its limit (fraction of equity). */
  classOthers: number;
  maxClassPct: number;
  /** Notional this rebalance may still trade. */
  turnoverLeft: number;
}

export interface Target {
  fraction: number;
  qty: number;
  delta: number;
  /** Each constraint that changed the target, in words. */
  notes: string[];
}

export function applyConstraints(c: ConstraintInput): Target {
  const notes: string[] = [];
  const net = Math.abs(c.net) < c.minNet ? 0 : c.net;
  if (net === 0 && c.net !== 0) notes.push(`net vote ${c.net.toFixed(3)} below ${c.minNet}: flat`);
  let f = net * c.positionPct * c.sizeMultiplier * c.volScale;
  if (Math.abs(f) > c.maxPositionPct) {
    notes.push(`position capped at ${(c.maxPositionPct * 100).toFixed(0)}% of equity`);
    f = Math.sign(f) * c.maxPositionPct;
  }
  if (f < 0 && !c.shortable) {
    notes.push('not shortable: flat instead of short');
    f = 0;
  }
  // a cap stops a held position from growing; it does not cut it because the other positions already fill the cap
  const held = f !== 0 && Math.sign(c.currentQty) === Math.sign(f) ? Math.min(Math.abs(c.currentQty) * c.price, Math.abs(f) * c.equity) : 0;
  const sectorRoom = Math.max(held, c.maxSectorPct * c.equity - c.sectorOthers);
  if (Math.abs(f) * c.equity > sectorRoom) {
    notes.push(`sector capped at ${(c.maxSectorPct * 100).toFixed(0)}% of equity`);
    f = (Math.sign(f) * sectorRoom) / c.equity;
  }
  const classRoom = Math.max(held, c.maxClassPct * c.equity - c.classOthers);
  if (Math.abs(f) * c.equity > classRoom) {
    notes.push(`asset class capped at ${(c.maxClassPct * 100).toFixed(0)}% of equity`);
    f = (Math.sign(f) * classRoom) / c.equity;
  }
  let qty = Math.sign(f) * roundToLot((Math.abs(f) * c.equity) / c.price, c.lotSize);
  if (qty !== 0 && c.currentQty !== 0 && Math.sign(qty) !== Math.sign(c.currentQty)) {
    notes.push(`reversal: the ${c.currentQty > 0 ? 'long' : 'short'} is closed first; the other side may open on a later evaluation`);
    qty = 0;
  } else if (qty !== 0 && c.currentQty !== 0 && Math.abs(qty - c.currentQty) <= c.rebalanceBand * Math.abs(c.currentQty)) {
    notes.push(`target within the ${(c.rebalanceBand * 100).toFixed(0)}% no-trade band of the position: held`);
    qty = c.currentQty;
  }
  let delta = qty - c.currentQty;
  const room = Math.max(0, c.turnoverLeft);
  if (Math.abs(delta) * c.price > room) {
    notes.push(`turnover budget of the rebalance left ${room.toFixed(0)}`);
    delta = Math.sign(delta) * roundToLot(room / c.price, c.lotSize);
    qty = c.currentQty + delta;
  }
  const closing = qty === 0 && c.currentQty !== 0;
  if (!closing && Math.abs(delta) * c.price < c.minTradePct * c.equity) delta = 0;
  return { fraction: f, qty, delta: Number(delta.toFixed(10)), notes };
}
