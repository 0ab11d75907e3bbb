import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebHookDeadLetter } from '../../src/index.js'
import { bullmqStore } from '../../src/stores/bullmq/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { run } from '../cli/helpers.js'
import { freePort, onCleanup, receiver, tempDir, until, wrap } from './helpers.js'
import { hasRedis, startRedis, type TestRedis } from './redis.js'

const letter = (id: string): WebHookDeadLetter => ({
  id,
  endpoint: 'http://127.0.0.1:9/',
  url: 'http://127.0.0.1:9/',
  type: 'post',
  method: 'vm.start',
  callId: `call-${id}`,
  body: '{}',
  createdAt: Date.now(),
  attempts: 3,
  notBefore: 0,
  failedAt: Date.now(),
  code: 'ERR_WEB_HOOK_DELIVERY_STATUS',
  message: 'Web hook http://127.0.0.1:9/ answered 500',
  status: 500,
})

function seeded(...ids: string[]): string {
  const filename = join(tempDir(), 'outbox.db')
  const store = sqliteStore({ filename })
  for (const id of ids) store.deadLetter(letter(id))
  store.close()
  return filename
}

describe('rpc-web-hooks replay', () => {
  it('--help explains the command', async () => {
    const { code, stdout } = await run(['replay', '--help'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/Usage: rpc-web-hooks replay \(--sqlite <file> \| --redis <url>\)/)
  })

  it('--sqlite lists dead letters, then --id and --all move them back to pending', async () => {
    const filename = seeded('msg_one', 'msg_two', 'msg_three')
    const listed = await run(['replay', '--sqlite', filename])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(
      /msg_one .* post vm\.start → http:\/\/127\.0\.0\.1:9\/ {2}ERR_WEB_HOOK_DELIVERY_STATUS 500/
    )
    expect(listed.stdout).toMatch(/3 dead letter\(s\); replay with --id <id> or --all/)
    const one = await run(['replay', '--sqlite', filename, '--id', 'msg_two'])
    expect(one).toMatchObject({ code: 0, stdout: 'Replayed 1 dead letter(s): msg_two\n' })
    const all = await run(['replay', '--sqlite', filename, '--all'])
    expect(all.stdout).toBe('Replayed 2 dead letter(s): msg_one msg_three\n')
    const store = sqliteStore({ filename })
    expect(store.counts()).toEqual({ pending: 3, dead: 0 })
    store.close()
  })

  it('the next engine on the file delivers what was replayed, with the same webhook-id', async () => {
    const server = await receiver()
    const filename = join(tempDir(), 'outbox.db')
    const seed = sqliteStore({ filename })
    seed.deadLetter({ ...letter('msg_back'), endpoint: `${server.url}/`, url: `${server.url}/` })
    seed.close()
    expect((await run(['replay', '--sqlite', filename, '--all'])).code).toBe(0)
    wrap({ hooks: [{ method: 'vm.start', type: 'post', url: server.url }], store: sqliteStore({ filename }) })
    await server.waitFor(1)
    expect(server.requests[0]!.headers['webhook-id']).toBe('msg_back')
  })

  it('errors are one clear line with a non-zero exit', async () => {
    const filename = seeded('msg_one')
    const cases: Array<[string[], number, RegExp]> = [
      [['replay'], 2, /pass one of --sqlite <file> or --redis <url>/],
      [['replay', '--sqlite', filename, '--redis', 'redis://127.0.0.1'], 2, /pass one of/],
      [['replay', '--sqlite', join(tempDir(), 'absent.db')], 1, /--sqlite: no such file/],
      [['replay', '--sqlite', filename, '--id', 'msg_nope'], 1, /no dead letter with id msg_nope/],
      [['replay', '--sqlite', filename, '--id', 'msg_one', '--all'], 2, /--id or --all, not both/],
      [['replay', '--redis', 'http://127.0.0.1'], 2, /--redis must start with redis:\/\//],
      [['replay', '--sqlite', filename, '--bogus'], 2, /Unknown option '--bogus'/],
    ]
    for (const [args, code, message] of cases) {
      const result = await run(args)
      expect(result.code, args.join(' ')).toBe(code)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(message)
    }
  })

  it('--redis to a Redis that is down: one clear line, exit 1', async () => {
    const port = await freePort()
    const result = await run(['replay', '--redis', `redis://127.0.0.1:${port}`])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^rpc-web-hooks: cannot reach Redis at 127.0.0.1:${port}: .*ECONNREFUSED`))
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe.skipIf(!hasRedis)('rpc-web-hooks replay --redis (real redis-server)', () => {
  let redis: TestRedis
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it('lists failed jobs and retries them; a running worker delivers them', async () => {
    const server = await receiver(() => ({ status: 400 }))
    const queueName = `cli-${process.pid}`
    const store = bullmqStore({ connection: { host: '127.0.0.1', port: redis.port }, queueName })
    onCleanup(() => store.close())
    const call = wrap({ hooks: [{ method: 'a', type: 'post', url: server.url }], store })
    await call('a', {})
    await until(async () => (await store.listDeadLetters()).length === 1, 'a dead letter')
    const url = `redis://127.0.0.1:${redis.port}`
    const listed = await run(['replay', '--redis', url, '--queue', queueName])
    expect(listed.stdout).toMatch(/ERR_WEB_HOOK_DELIVERY_STATUS 400/)
    server.respond(() => ({}))
    const replayed = await run(['replay', '--redis', url, '--queue', queueName, '--all'])
    expect(replayed).toMatchObject({ code: 0 })
    expect(replayed.stdout).toMatch(/^Replayed 1 dead letter\(s\): msg_/)
    await server.waitFor(2)
    expect(server.requests[1]!.headers['webhook-id']).toBe(server.requests[0]!.headers['webhook-id'])
  })
})
