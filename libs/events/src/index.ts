export * from './envelope.schema';
