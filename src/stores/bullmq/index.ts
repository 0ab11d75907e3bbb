/**
 * `rpc-web-hooks/bullmq`: a distributed delivery queue on Redis with BullMQ (an optional peer dependency).
 *
 * @packageDocumentation
 */
export { bullmqStore } from './bullmq-store.js'
export type { WebHookBullmqStore } from './bullmq-store.js'
export type {
  WebHookBullmqCluster,
  WebHookBullmqClusterTarget,
  WebHookBullmqCommonOptions,
  WebHookBullmqRedisTarget,
  WebHookBullmqStoreOptions,
} from './options.js'
export { WebHookStoreError } from '../../errors/store-error.js'
export type { WebHookStoreErrorCode } from '../../errors/store-error.js'
export type { WebHookDeadLetter, WebHookStore, WebHookStoredDelivery } from '../../contracts/store.js'
