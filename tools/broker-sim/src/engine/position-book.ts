import type { SimInstrument, SimPosition, SimProduct, SimSide } from './engine.types';

interface PositionState {
  instrument: SimInstrument;
  product: SimProduct;
  buyQuantity: number;
  sellQuantity: number;
  /** Values kept in paise so sums stay exact. */
  buyValuePaise: number;
  sellValuePaise: number;
  netQuantity: number;
  /** Average cost of the open net quantity, in paise (fractional allowed). */
  averagePaise: number;
  realisedPaise: number;
}

const toPaise = (rupees: number): number => Math.round(rupees * 100);
const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Net positions per user, instrument and product. The average is the cost of the open quantity
 * (weighted over the adds; unchanged by reductions; reset when the position flips), realised P&L is
 * booked on reductions against that average, unrealised marks the rest to the last price.
 */
export class PositionBook {
  private readonly byUser = new Map<string, Map<string, PositionState>>();

  apply(
    userId: string,
    instrument: SimInstrument,
    product: SimProduct,
    side: SimSide,
    quantity: number,
    price: number,
  ): void {
    let positions = this.byUser.get(userId);
    if (!positions) {
      positions = new Map();
      this.byUser.set(userId, positions);
    }
    const key = `${instrument.exchange}:${instrument.tradingsymbol}:${product}`;
    let p = positions.get(key);
    if (!p) {
      p = {
        instrument,
        product,
        buyQuantity: 0,
        sellQuantity: 0,
        buyValuePaise: 0,
        sellValuePaise: 0,
        netQuantity: 0,
        averagePaise: 0,
        realisedPaise: 0,
      };
      positions.set(key, p);
    }
    const pricePaise = toPaise(price);
    const signed = side === 'BUY' ? quantity : -quantity;
    if (side === 'BUY') {
      p.buyQuantity += quantity;
      p.buyValuePaise += quantity * pricePaise;
    } else {
      p.sellQuantity += quantity;
      p.sellValuePaise += quantity * pricePaise;
    }
    const net = p.netQuantity;
    if (net === 0 || Math.sign(net) === Math.sign(signed)) {
      p.averagePaise = (Math.abs(net) * p.averagePaise + quantity * pricePaise) / (Math.abs(net) + quantity);
      p.netQuantity = net + signed;
      return;
    }
    const closing = Math.min(Math.abs(net), quantity);
    p.realisedPaise += closing * (pricePaise - p.averagePaise) * Math.sign(net);
    p.netQuantity = net + signed;
    if (p.netQuantity === 0) p.averagePaise = 0;
    else if (Math.sign(p.netQuantity) !== Math.sign(net)) p.averagePaise = pricePaise;
  }

  positions(userId: string, lastPrice: (instrument: SimInstrument) => number): SimPosition[] {
    const positions = this.byUser.get(userId);
    if (!positions) return [];
    return [...positions.values()].map((p) => {
      const ltp = lastPrice(p.instrument);
      const unrealisedPaise = p.netQuantity * (toPaise(ltp) - p.averagePaise);
      return {
        userId,
        instrument: p.instrument,
        product: p.product,
        buyQuantity: p.buyQuantity,
        sellQuantity: p.sellQuantity,
        buyValue: p.buyValuePaise / 100,
        sellValue: p.sellValuePaise / 100,
        netQuantity: p.netQuantity,
        averagePrice: p.averagePaise / 100,
        realised: round2(p.realisedPaise / 100),
        unrealised: round2(unrealisedPaise / 100),
        lastPrice: ltp,
      };
    });
  }

  /** Net quantity of one position (0 when there is none). */
  netQuantity(userId: string, instrument: SimInstrument, product: SimProduct): number {
    return (
      this.byUser.get(userId)?.get(`${instrument.exchange}:${instrument.tradingsymbol}:${product}`)
        ?.netQuantity ?? 0
    );
  }

  clear(): void {
    this.byUser.clear();
  }
}
