export * from './envelope.schema';
export * from './order.schema';
