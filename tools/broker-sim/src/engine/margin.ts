import type { SimInstrument, SimProduct, SimSide } from './engine.types';

/**
 * A coarse RMS model, enough to make "insufficient funds" reachable: MIS 20 % of value, delivery
 * and carry-forward the full value, option buys the premium, option writes ~12 % of the notional.
 */
export function requiredMargin(
  instrument: SimInstrument,
  side: SimSide,
  product: SimProduct,
  quantity: number,
  price: number,
): number {
  if (instrument.kind === 'index-option') {
    if (side === 'BUY') return quantity * price;
    return quantity * (instrument.strike ?? price) * 0.12;
  }
  const value = quantity * price;
  switch (product) {
    case 'MIS':
      return value * 0.2;
    case 'MTF':
      return value * 0.5;
    case 'CNC':
    case 'NRML':
      return value;
  }
}
