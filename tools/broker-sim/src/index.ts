export {
  startBrokerSim,
  ScenarioSchema,
  DEFAULT_POSTBACK_URL,
  type BrokerSim,
  type BrokerSimOptions,
  type Scenario,
} from './broker-sim';
export { MatchingEngine, DEFAULT_SIM_SEED, type MatchingEngineOptions } from './engine/matching-engine';
export { FakeClock } from './engine/fake-clock';
export { systemClock, type SimClock } from './engine/sim-clock';
export { defaultInstruments } from './engine/instruments';
export * from './engine/engine.types';
export {
  FaultInjector,
  FAULT_CHANNELS,
  type FaultChannel,
  type ChannelFaults,
} from './faults/fault-injector';
export { postbackChecksum, sessionChecksum, istTimestamp } from './kite/kite-format';
export {
  decodeFrame,
  decodePacket,
  encodeFrame,
  encodePacket,
  type TickData,
} from './kite/kite-ticker.codec';
