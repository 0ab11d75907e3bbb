/** The store contract, now in src/contracts/store.ts: re-exported here for src/stores/, which imports it from here. */
export type {
  WebHookDeadLetter,
  WebHookLease,
  WebHookStore,
  WebHookStoreAttemptResult,
  WebHookStoreContext,
  WebHookStoredDelivery,
  WebHookStoreWorker,
} from '../contracts/store.js'
