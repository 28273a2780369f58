export * from './portfolio-state.types';
export { PortfolioReadRepository, type AccountRef } from './portfolio-read.repository';
export {
  PortfolioWriteRepository,
  type Delivery,
  type OrderApplyResult,
  type TradeApplyResult,
  type PortfolioStateOptions,
  type StateEnvelope,
  type EnvelopeApplyResult,
} from './portfolio-write.repository';
export {
  authoritativeFillSource,
  deriveOrderFills,
  summarizeFills,
  isOverfilled,
  computePositionMath,
  compareFills,
  unrealizedPnl,
  roundMoney,
  type PositionMath,
  type OrderFillsInput,
} from './fill-math';
export { orderMergeKey, compareMergeKeys, type MergeKey } from './merge-key';
export { stateKeys, positionMember, parsePositionMember, type StateKeys } from './state-keys';
export { assembleOrderRecord, type StoredOrder } from './order-assembly';
export {
  generateBrokerScenario,
  expectedTotals,
  type BrokerScenario,
  type BrokerUpdateEnvelope,
  type TrueFill,
  type ScenarioOptions,
} from './testing/broker-scenario';
