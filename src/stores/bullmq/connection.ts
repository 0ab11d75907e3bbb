/**
 * The Redis connections of the BullMQ store: one Redis (or Sentinel) from ioredis options, or a Redis Cluster
 * (issue 16). The queue's connection fails a command at once while Redis is away, instead of ioredis keeping every
 * command in its unbounded offline queue (issue 13): the engine keeps what was not confirmed in its own bounded buffer
 * and sends it again when Redis is back. The worker's connection waits for Redis (BullMQ needs
 * `maxRetriesPerRequest: null` there).
 */
import type { ConnectionOptions } from 'bullmq'
import type { Cluster } from 'ioredis'
import { ioredis } from './driver.js'
import type { BullmqSettings } from './options.js'

export interface Connections {
  /** For the queue (enqueue, dead letters). */
  queue: ConnectionOptions
  /** For the worker, created when it starts. */
  worker(): ConnectionOptions
  /** `host:port` for reports (never a password). */
  target: string
  /** Closes what the store created itself (cluster clients: BullMQ does not close a client it was given). */
  close(): Promise<void>
}

function describe(settings: BullmqSettings): string {
  if (settings.cluster !== undefined) {
    const [first] = settings.cluster.nodes
    const node = typeof first === 'object' ? `${first.host ?? '127.0.0.1'}:${first.port ?? 6379}` : String(first)
    return `the cluster of ${node}`
  }
  const {
    host = '127.0.0.1',
    port = 6379,
    sentinels,
    name,
  } = settings.connection as {
    host?: string
    port?: number
    sentinels?: Array<{ host?: string; port?: number }>
    name?: string
  }
  if (sentinels !== undefined) return `master ${name} of sentinel ${sentinels[0]?.host}:${sentinels[0]?.port ?? 26379}`
  return `${host}:${port}`
}

function clusterConnections(settings: BullmqSettings): Connections {
  const { nodes, options = {} } = settings.cluster!
  const created: Cluster[] = []
  const make = (failFast: boolean): Cluster => {
    const { Cluster } = ioredis()
    const redisOptions = { ...options.redisOptions, maxRetriesPerRequest: failFast ? 1 : null }
    // ioredis' own types disagree on `redisOptions` under exactOptionalPropertyTypes.
    const client = new Cluster(nodes, {
      ...options,
      enableOfflineQueue: !failFast,
      redisOptions,
    } as ConstructorParameters<typeof Cluster>[1])
    created.push(client)
    return client
  }
  return {
    queue: make(true) as unknown as ConnectionOptions,
    worker: () => make(false) as unknown as ConnectionOptions,
    target: describe(settings),
    async close() {
      await Promise.all(created.map(client => client.quit().catch(() => client.disconnect())))
    },
  }
}

export function connect(settings: BullmqSettings): Connections {
  if (settings.cluster !== undefined) return clusterConnections(settings)
  const connection = settings.connection!
  // An ioredis instance given as `connection` is used as it is.
  const given = typeof (connection as { connect?: unknown }).connect === 'function'
  const queue = given
    ? connection
    : ({ ...connection, enableOfflineQueue: false, maxRetriesPerRequest: 1 } as ConnectionOptions)
  return { queue, worker: () => connection, target: describe(settings), close: async () => {} }
}
