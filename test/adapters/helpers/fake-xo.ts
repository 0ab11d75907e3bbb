/**
 * A stand-in for Xen Orchestra's app object, as the web-hooks plugin sees it: an EventEmitter with `apiMethods`, an
 * awaiting emit that behaves as XO's (awaits every listener's promise, logs their errors, never throws), and
 * `callApiMethod` / `runBackupJob` emitting the four events the way XO core does.
 */
import { EventEmitter } from 'node:events'

export interface FakeConnection {
  user_id?: string
  user_name?: string
  user_ip?: string
}

export type FakeMethod = (params: any) => unknown

export class FakeXo extends EventEmitter {
  apiMethods: Record<string, FakeMethod>
  /** Errors thrown or rejected by listeners of awaited events (XO logs them). */
  loggedErrors: unknown[] = []
  #nextCallId = 0

  constructor(apiMethods: Record<string, FakeMethod>) {
    super()
    this.apiMethods = apiMethods
  }

  /** XO's awaiting emit: every listener is called, their promises awaited, their errors logged, never thrown. */
  async emitAsync(event: string, ...args: unknown[]): Promise<void> {
    await Promise.all(
      this.listeners(event).map(async listener => {
        try {
          await listener.apply(this, args)
        } catch (error) {
          this.loggedErrors.push(error)
        }
      })
    )
  }

  /** XO's dispatcher: pre (awaited), the method, post (plain emit). */
  async callApiMethod(connection: FakeConnection, name: string, params: any = {}): Promise<unknown> {
    const method = this.apiMethods[name]
    if (method === undefined) throw new Error(`no such method ${name}`)
    const data = {
      callId: String(++this.#nextCallId),
      userId: connection.user_id,
      userName: connection.user_name ?? '(unknown user)',
      userIp: connection.user_ip,
      method: name,
      params,
      timestamp: Date.now(),
    }
    await this.emitAsync('xo:preCall', data)
    try {
      const result = await method(params)
      this.emit('xo:postCall', { ...data, duration: Date.now() - data.timestamp, result: result ?? true })
      return result
    } catch (error) {
      this.emit('xo:postCall', { ...data, duration: Date.now() - data.timestamp, error })
      throw error
    }
  }

  /**
   * A backup job run, as XO reports it: `backupNg.runJob` with the job's owner, in the backup data's key order
   * (`callId, method, params, timestamp, userId, userName`, then `result`/`error`, `duration`), no `userIp`.
   */
  async runBackupJob(job: { id: string; owner: string; ownerName: string; fail?: boolean }): Promise<void> {
    const data = {
      callId: `backup-${++this.#nextCallId}`,
      method: 'backupNg.runJob',
      params: { id: job.id, proxy: undefined, schedule: 'schedule-1', settings: {}, vms: ['vm-1'] },
      timestamp: Date.now(),
      userId: job.owner,
      userName: job.ownerName,
    }
    await this.emitAsync('backup:preCall', data)
    const outcome = job.fail ? { error: new Error('backup failed') } : { result: true }
    this.emit('backup:postCall', { ...data, ...outcome, duration: Date.now() - data.timestamp })
  }
}
