export interface ChaosOptions {
  /** Orders per second through order-api, over all accounts. */
  ratePerSecond: number;
  /** Load before the first fault. */
  warmupMs: number;
  /** Pause between one fault's recovery and the next fault. */
  faultGapMs: number;
  /** Load after the last fault. */
  cooldownMs: number;
  /** How long Redis stays down when it is restarted. */
  redisDownMs: number;
  /** Times the whole fault cycle runs. */
  cycles: number;
  notifierReplicas: number;
  /** Broker push faults on every channel (postback, Kite ticker, XTS socket). */
  duplicate: number;
  reorder: number;
  partialFillProbability: number;
  /** Bound on waiting for quiescence after the load (the checks run regardless). */
  settleTimeoutMs: number;
  /** The event log must stay unchanged this long to count as quiet. */
  quietMs: number;
  /** LOG_LEVEL of the services (their output is kept and shown when one dies unexpectedly). */
  serviceLogLevel: string;
  /** Where to write every service's output (all its runs) at the end; none when unset. */
  logDir?: string;
  log: (line: string) => void;
}

export type ChaosPreset = Omit<ChaosOptions, 'log'>;

/** The CI version (`*.e2e-spec.ts`): every fault once, about a minute on two cores. */
export const SHORT_RUN: ChaosPreset = {
  ratePerSecond: 3,
  warmupMs: 2000,
  faultGapMs: 1500,
  cooldownMs: 2000,
  redisDownMs: 1000,
  cycles: 1,
  notifierReplicas: 1,
  duplicate: 0.3,
  reorder: 4,
  partialFillProbability: 0.3,
  settleTimeoutMs: 45_000,
  quietMs: 3000,
  serviceLogLevel: 'warn',
};

/** `npm run test:chaos`: two fault cycles at a higher rate, two notifiers. */
export const FULL_RUN: ChaosPreset = {
  ...SHORT_RUN,
  ratePerSecond: 6,
  warmupMs: 5000,
  faultGapMs: 4000,
  cooldownMs: 5000,
  cycles: 2,
  notifierReplicas: 2,
  settleTimeoutMs: 90_000,
};

/** The demo accounts the load trades on and the users (screens) they belong to. */
export const ACCOUNTS = [
  { accountId: 'AB1234', userId: 'demo' },
  { accountId: 'JN0001', userId: 'demo' },
  { accountId: 'CD5678', userId: 'demo2' },
] as const;
