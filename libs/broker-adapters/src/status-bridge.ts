/** Broker status → canonical status comes from the contract (libs/events); one import point here. */
export { isTerminalStatus as isTerminal, mapKiteStatus, mapXtsStatus } from '@fillwire/events';
export type { StatusMapping } from '@fillwire/events';
