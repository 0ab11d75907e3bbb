/** BullMQ and its ioredis, loaded when a store is created (optional peer dependencies; see ../peer.ts). */
import type * as BullMQ from 'bullmq'
import type * as IORedis from 'ioredis'
import { loadPeer } from '../peer.js'

export function bullmq(): typeof BullMQ {
  return loadPeer<typeof BullMQ>('bullmq', 'bullmq', 'bullmqStore', ['ioredis'])
}

/** ioredis, for a Redis Cluster (its `Cluster` class). */
export function ioredis(): typeof IORedis {
  return loadPeer<typeof IORedis>('ioredis', 'bullmq', 'bullmqStore')
}
