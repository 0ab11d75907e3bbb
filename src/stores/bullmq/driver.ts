/** BullMQ, loaded when a store is created (an optional peer dependency; see ../peer.ts). */
import type * as BullMQ from 'bullmq'
import { loadPeer } from '../peer.js'

export function bullmq(): typeof BullMQ {
  return loadPeer<typeof BullMQ>('bullmq', 'bullmq', 'bullmqStore', ['ioredis'])
}
