export {
  createXtsSimulator,
  XTS_DEFAULT_PORT,
  type XtsSimulator,
  type XtsSimulatorOptions,
} from './xts-simulator';
export type { XtsUserConfig } from './xts-session.store';
export type { XtsDeliver } from './xts-socket.gateway';
