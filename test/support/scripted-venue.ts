// A test venue whose acks, fills and faults the test scripts by hand. It
// records every request that reached it, so tests can assert what "left".
// It implements the same Venue interface as the simulator and broker adapters.
import type { Bar, Instrument } from '../../src/shared/domain.js';
import type {
  Venue,
  VenueAccount,
  VenueListener,
  VenueOpenOrder,
  VenueOrderRequest,
  VenuePosition,
} from '../../src/engine/venues/venue.js';

export class ScriptedVenue implements Venue {
  readonly id = 'scripted';
  readonly submitted: VenueOrderRequest[] = [];
  readonly cancels: string[] = [];
  listener: VenueListener | undefined;
  failNextSubmit: Error | undefined;
  /** Cancel-all requests served. */
  cancelAlls = 0;
  failCancelAll: Error | undefined;

  async connect(listener: VenueListener): Promise<void> {
    this.listener = listener;
  }
  async disconnect(): Promise<void> {}
  async instruments(): Promise<Instrument[]> {
    return [];
  }
  async getBars(): Promise<Bar[]> {
    return [];
  }
  isMarketOpen(): boolean {
    return true;
  }
  async submitOrder(request: VenueOrderRequest): Promise<void> {
    if (this.failNextSubmit) {
      const e = this.failNextSubmit;
      this.failNextSubmit = undefined;
      throw e;
    }
    this.submitted.push(request);
  }
  async cancelOrder(clientOrderId: string): Promise<void> {
    this.cancels.push(clientOrderId);
  }
  async cancelAll(): Promise<void> {
    this.cancelAlls++;
    if (this.failCancelAll) throw this.failCancelAll;
  }
  async replaceOrder(): Promise<void> {}
  async getAccount(): Promise<VenueAccount> {
    return { cash: 0, equity: 0, buyingPower: 0 };
  }
  async getPositions(): Promise<VenuePosition[]> {
    return [];
  }
  async getOpenOrders(): Promise<VenueOpenOrder[]> {
    return [];
  }
}
