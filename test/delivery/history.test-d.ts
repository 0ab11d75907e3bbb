import { expectTypeOf, test } from 'vitest'
import type { WebHookDashboard, WebHookDashboardErrorCode } from '../../src/dashboard/index.js'
import { createDashboard } from '../../src/dashboard/index.js'
import {
  type WebHookAttemptOutcome,
  type WebHookDeadLetter,
  type WebHookHistory,
  type WebHookWindowCounts,
  withWebHooks,
} from '../../src/index.js'

test('history(), deadLetters() and the dashboard are typed', () => {
  const call = withWebHooks(async (_method: string, params: unknown) => params, { hooks: [], history: { size: 10 } })
  const history = call.webHooks.history({ outcome: 'failed', limit: 5 })
  expectTypeOf(history).toEqualTypeOf<WebHookHistory>()
  expectTypeOf(history.attempts[0]!.outcome).toEqualTypeOf<WebHookAttemptOutcome>()
  expectTypeOf(history.endpoints['https://hooks.example/']!.last5m).toEqualTypeOf<WebHookWindowCounts>()
  expectTypeOf(history.endpoints['https://hooks.example/']!.last5m.successRate).toEqualTypeOf<number | null>()
  expectTypeOf(call.webHooks.deadLetters()).resolves.toEqualTypeOf<WebHookDeadLetter[]>()
  expectTypeOf(call.webHooks.closed).toBeBoolean()
  // @ts-expect-error: not an outcome
  call.webHooks.history({ outcome: 'maybe' })
  // @ts-expect-error: history is false or an object
  withWebHooks(async () => 1, { hooks: [], history: true })

  const dashboard = createDashboard(call.webHooks, { authorize: async ({ headers }) => headers.cookie === 'x' })
  expectTypeOf(dashboard).toEqualTypeOf<WebHookDashboard>()
  expectTypeOf(dashboard.fetch).returns.resolves.toEqualTypeOf<Response>()
  // @ts-expect-error: authorize is required
  createDashboard(call.webHooks, { readOnly: true })
  // @ts-expect-error: 'none' or a function
  createDashboard(call.webHooks, { authorize: 'all' })
  expectTypeOf<'ERR_WEB_HOOK_DASHBOARD_CSRF'>().toExtend<WebHookDashboardErrorCode>()
})
