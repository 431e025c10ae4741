// The benefit/cost filter: an order that adds exposure is skipped when its
// expected benefit (the signal's expected favourable move × notional) is below
// `ratio` × its estimated cost. Orders without an expected move, and orders
// that only reduce a position, are never skipped.

export interface BenefitCostVerdict {
  pass: boolean;
  /** Expected benefit in account currency (undefined: the signal gave none). */
  benefit: number | undefined;
  cost: number;
  /** Required multiple of the cost. */
  ratio: number;
  message: string;
}

export function benefitCostVerdict(expectedEdge: number | undefined, notional: number, cost: number, ratio: number): BenefitCostVerdict {
  if (expectedEdge === undefined || !Number.isFinite(expectedEdge) || ratio <= 0) {
    return { pass: true, benefit: undefined, cost, ratio, message: 'no expected benefit to compare' };
  }
  const benefit = Math.abs(expectedEdge) * notional;
  return new Compared(cost <= 0 || benefit >= ratio * cost, benefit, cost, ratio);
}

/** A verdict that compared benefit and cost: its message is written when read (most passing orders never read it). */
class Compared implements BenefitCostVerdict {
  constructor(
    readonly pass: boolean,
    readonly benefit: number,
    readonly cost: number,
    readonly ratio: number,
  ) {}

  get message(): string {
    return `expected benefit ${this.benefit.toFixed(2)} ${this.pass ? 'covers' : 'is below'} ${this.ratio} x estimated cost ${this.cost.toFixed(2)}`;
  }
}
