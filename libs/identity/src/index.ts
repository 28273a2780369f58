export * from './identity.schema';
export { identityKeys, type IdentityKeys } from './identity-keys';
export { newSecretToken, hashSecret, newKeyId } from './secret-token';
export { IdentityRepository } from './identity.repository';
export { IdentityService, type IdentityServiceOptions } from './identity.service';
export { IdentityError } from './identity-error';
export { DEMO_USERS, seedDemoIdentity, type DemoSeedResult } from './demo-identity';
export { decideOrderUpdateMode, type OrderUpdateDecision, type OrderUpdateMode } from './flags/order-update-mode';
export {
  FeatureFlagsRepository,
  featureFlagsKey,
  initialFlags,
  type FlagDefaults,
} from './flags/feature-flags.repository';
export { FeatureFlagsService, type FlagsChange, type FlagsUpdatedPublisher } from './flags/feature-flags.service';
export { FeatureFlagsReader, type FeatureFlagsReaderOptions } from './flags/feature-flags-reader';
