export { freePort } from './free-port';
export { startRedisServer, type RedisServerHandle, type RedisServerOptions } from './redis-server';
export { testRedisUrl, testPrefix } from './test-redis';
export { waitFor, nextEvent } from './wait-for';
export { NodeProcess, cleanEnv, REPO_ROOT, tsExecArgv, type Exit } from './node-process';
export { startBrokerSimProcess, type BrokerSimEnv, type BrokerSimProcess } from './broker-sim-process';
export { startServiceProcess, type ServiceApp, type ServiceProcess } from './service-process';
export { startKiteLoginStack, type KiteLoginStack } from './kite-login-stack';
export {
  startStack,
  STACK_APPS,
  type Stack,
  type StackAccount,
  type StackOptions,
  type StackService,
} from './stack';
