import type { SimInstrument, SimPosition, SimProduct, SimSide } from './engine.types';

interface PositionState {
  instrument: SimInstrument;
  product: SimProduct;
  buyQuantity: number;
  sellQuantity: number;
  /** Values kept in paise so sums stay exact. */
  buyValuePaise: number;
  sellValuePaise: number;
}

const toPaise = (rupees: number): number => Math.round(rupees * 100);
const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Day positions per user, instrument and product, as Kite's day book shows them: the average of the
 * open quantity is the average price of its side (buys when long, sells when short), realised P&L is
 * the closed quantity × (average sell − average buy), unrealised marks the open quantity to the last
 * price. All of it follows from the totals, so it does not depend on the order of the trades.
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
      };
      positions.set(key, p);
    }
    const pricePaise = toPaise(price);
    if (side === 'BUY') {
      p.buyQuantity += quantity;
      p.buyValuePaise += quantity * pricePaise;
    } else {
      p.sellQuantity += quantity;
      p.sellValuePaise += quantity * pricePaise;
    }
  }

  positions(userId: string, lastPrice: (instrument: SimInstrument) => number): SimPosition[] {
    const positions = this.byUser.get(userId);
    if (!positions) return [];
    return [...positions.values()].map((p) => {
      const ltp = lastPrice(p.instrument);
      const { netQuantity, averagePaise, realisedPaise } = dayMath(p);
      const unrealisedPaise = netQuantity * (toPaise(ltp) - averagePaise);
      return {
        userId,
        instrument: p.instrument,
        product: p.product,
        buyQuantity: p.buyQuantity,
        sellQuantity: p.sellQuantity,
        buyValue: p.buyValuePaise / 100,
        sellValue: p.sellValuePaise / 100,
        netQuantity,
        averagePrice: averagePaise / 100,
        realised: round2(realisedPaise / 100),
        unrealised: round2(unrealisedPaise / 100),
        lastPrice: ltp,
      };
    });
  }

  /** Net quantity of one position (0 when there is none). */
  netQuantity(userId: string, instrument: SimInstrument, product: SimProduct): number {
    const p = this.byUser.get(userId)?.get(`${instrument.exchange}:${instrument.tradingsymbol}:${product}`);
    return p ? p.buyQuantity - p.sellQuantity : 0;
  }

  clear(): void {
    this.byUser.clear();
  }
}

/** Net quantity, average of the open side (fractional paise) and realised P&L in paise. */
function dayMath(p: PositionState): { netQuantity: number; averagePaise: number; realisedPaise: number } {
  const buyAvg = p.buyQuantity ? p.buyValuePaise / p.buyQuantity : 0;
  const sellAvg = p.sellQuantity ? p.sellValuePaise / p.sellQuantity : 0;
  const netQuantity = p.buyQuantity - p.sellQuantity;
  return {
    netQuantity,
    averagePaise: netQuantity > 0 ? buyAvg : netQuantity < 0 ? sellAvg : 0,
    realisedPaise: Math.min(p.buyQuantity, p.sellQuantity) * (sellAvg - buyAvg),
  };
}
