/**
 * WAL checkpoints off the writer's thread (issue 16). In WAL mode SQLite copies the log back into the database file
 * every 1 000 pages, inside whichever COMMIT crosses the mark: with `synchronous: 'normal'` that copy and its fsync
 * cost about a quarter of every write, on the thread of the API calls. Once a store has written enough for it to
 * matter, a worker thread with its own connection checkpoints the file every `INTERVAL_MS` instead (a PASSIVE
 * checkpoint: it never blocks the writer, nor waits for it), and the store's own automatic checkpoint is raised to a
 * backstop (`BACKSTOP_PAGES`) that only a stalled worker lets the log reach.
 *
 * The worker is `unref`'d (it never keeps a process alive) and is started lazily: a store that writes little never
 * starts one. If it cannot start, or fails, the store keeps SQLite's own checkpoints and nothing else changes.
 */
import { Worker } from 'node:worker_threads'
import type { Database } from 'better-sqlite3'

/** Rows committed before the worker is started. */
export const START_AFTER = 2000
/**
 * How often the worker checkpoints, ms. Rows are appended and deleted soon after, so the same pages change many times
 * between two checkpoints and are copied once per checkpoint, with one fsync each: 250 ms measured at least as fast as
 * 50 ms (`npm run bench -- stores`, 64 in flight: deliveries 0.78x to 0.80x the memory store against 0.72x to 0.79x),
 * for a few MB of log at 25 000 hooks a second.
 */
const INTERVAL_MS = 250
/** The writer's own automatic checkpoint while the worker runs, pages (~40 MB of log at 4 KB pages). */
const BACKSTOP_PAGES = 10_000

/** The worker's code, run with `eval` (no file to resolve in either build); `driver` is better-sqlite3's path. */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.filename, { timeout: 0 })
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // Busy or locked: the next tick tries again, and the writer's backstop checkpoint still holds.
  }
}
const timer = setInterval(checkpoint, workerData.interval)
parentPort.on('message', () => {
  clearInterval(timer)
  checkpoint()
  db.close()
  parentPort.close()
})
`

export class Checkpointer {
  readonly #db: Database
  readonly #filename: string
  readonly #driver: string
  #written = 0
  #worker: Worker | undefined
  /** Started, failed, or not to be started (an in-memory database has no log). */
  #done: boolean

  constructor(db: Database, filename: string, driver: string | undefined) {
    this.#db = db
    this.#filename = filename
    this.#driver = driver ?? ''
    // `db.memory`: `:memory:` or an anonymous (empty-named) database, neither with a log to checkpoint.
    this.#done = driver === undefined || db.memory
  }

  /** A batch of `rows` writes was committed. */
  committed(rows: number): void {
    if (this.#done) return
    this.#written += rows
    if (this.#written >= START_AFTER) this.#start()
  }

  #start(): void {
    this.#done = true
    let worker: Worker
    try {
      worker = new Worker(SOURCE, {
        eval: true,
        // Plain CommonJS: none of the process's preloads (a TypeScript loader, instrumentation) is needed here.
        execArgv: [],
        workerData: { driver: this.#driver, filename: this.#filename, interval: INTERVAL_MS },
      })
    } catch {
      return
    }
    worker.unref()
    // A worker that fails gives the checkpoints back to the writer.
    worker.on('error', () => this.#stopped())
    worker.on('exit', () => this.#stopped())
    this.#worker = worker
    this.#db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
  }

  #stopped(): void {
    if (this.#worker === undefined) return
    this.#worker = undefined
    if (this.#db.open) this.#db.pragma('wal_autocheckpoint = 1000')
  }

  /** Close (before the store's connection): the worker checkpoints once more and exits. */
  close(): void {
    const worker = this.#worker
    this.#done = true
    if (worker === undefined) return
    this.#worker = undefined
    worker.postMessage('close')
  }
}
