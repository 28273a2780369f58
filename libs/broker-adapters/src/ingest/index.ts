export * from './connection-state-machine';
export * from './reconnect-backoff';
export * from './event-driven-flags';
export * from './update-deduper';
export * from './read-pacer';
export * from './shared-broker-sessions';
export * from './default-xts-instruments';
export * from './keyed-serializer';
