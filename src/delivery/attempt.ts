/**
 * One attempt of one delivery: builds and signs the request, calls the transport, and turns the answer or the error
 * into an `Attempt` (never rejects). Retryable: a network failure or timeout (as the transport classified it,
 * `transports/failure.ts`), a 408, 429 or 5xx; not: a refused URL or another status.
 */
import { WebHookDeliveryError } from '../errors/delivery-error.js'
import { redactEchoes, secretValuesOfHook } from '../security/echoes.js'
import type { SafeUrlPolicy } from '../security/safe-url.js'
import type { AttemptSpan } from '../telemetry/sender.js'
import type { Job } from './endpoint.js'
import { nextHop } from './redirect.js'
import { buildRequest } from './request.js'
import { isRetryableStatus, parseRetryAfter } from './retry.js'
import { classifyFailure } from './transports/failure.js'
import type { WebHookDeliveryFailure, WebHookTransport, WebHookTransportResponse } from '../contracts/delivery.js'

export interface Attempt {
  job: Job
  /** Set when the attempt failed. */
  error: WebHookDeliveryFailure | undefined
  status: number | undefined
  body: string | undefined
  retryable: boolean
  /** The receiver's `Retry-After`, ms. */
  retryAfter: number | undefined
  /** ms. */
  duration: number
  /** The URL that gave the answer, when a redirect was followed. */
  redirectedTo: string | undefined
}

export async function runAttempt(
  transport: WebHookTransport,
  job: Job,
  timeout: number,
  safeUrls: SafeUrlPolicy | undefined,
  connectTimeCheck: boolean
): Promise<Attempt> {
  // Only a waited delivery needs aborting mid-flight (its deadline); close() ends the others with the transport.
  const controller = job.resolve === undefined ? undefined : new AbortController()
  job.controller = controller
  const { hook } = job.delivery
  const url = hook.displayUrl
  const started = performance.now()
  let redirectedTo: string | undefined
  // Telemetry (issue 14): the attempt's CLIENT span, its context injected into the request's headers.
  let span: AttemptSpan | undefined
  try {
    let request = buildRequest(job.delivery, timeout, controller?.signal)
    span = hook.telemetry?.startAttempt(job.delivery, job.attempts, request.url, request.headers)
    const check = async (target: string) => {
      if (safeUrls === undefined) return
      // The default transport checks resolved addresses at connect time; IP literals skip that lookup.
      if (connectTimeCheck) safeUrls.checkUrl(target)
      else await safeUrls.assertUrl(target)
    }
    await check(request.url)
    let response = await transport(request)
    // Redirects are followed here, for every transport (redirect.ts), each hop checked like the first.
    const origin = hook.redirects > 0 ? new URL(request.url).origin : ''
    for (let hop = 0; hop < hook.redirects; hop++) {
      const left = Math.max(1, Math.round(timeout - (performance.now() - started)))
      const next = nextHop(request, response, origin, left)
      if (next === undefined) break
      request = next
      redirectedTo = next.url
      await check(next.url)
      response = await transport(next)
    }
    job.redirectedTo = redirectedTo
    if (redirectedTo !== undefined) job.endpoint.redirected(redirectedTo)
    return ended(span, answered(job, response, url, performance.now() - started, redirectedTo))
  } catch (error) {
    job.redirectedTo = redirectedTo
    return ended(span, failed(job, error, url, performance.now() - started, redirectedTo))
  }
}

function ended(span: AttemptSpan | undefined, attempt: Attempt): Attempt {
  span?.end(attempt)
  return attempt
}

function answered(
  job: Job,
  response: WebHookTransportResponse,
  url: string,
  duration: number,
  redirectedTo: string | undefined
): Attempt {
  const { status } = response
  // A receiver or proxy may echo the request's headers back (issue 13): its secrets never reach a kept body.
  const secrets = secretValuesOfHook(job.delivery.hook)
  const body = redactEchoes(response.body, secrets)
  if (status >= 200 && status < 300) {
    return { job, error: undefined, status, body, retryable: false, retryAfter: undefined, duration, redirectedTo }
  }
  const error = new WebHookDeliveryError(
    status === 410 ? 'ERR_WEB_HOOK_DELIVERY_GONE' : 'ERR_WEB_HOOK_DELIVERY_STATUS',
    {
      url,
      status,
      statusText: response.statusText === undefined ? undefined : redactEchoes(response.statusText, secrets),
      body,
    }
  )
  const retryable = isRetryableStatus(status)
  const header: unknown = response.headers['retry-after']
  const retryAfter = retryable ? parseRetryAfter(Array.isArray(header) ? header[0] : (header as string)) : undefined
  return { job, error, status, body, retryable, retryAfter, duration, redirectedTo }
}

function failed(job: Job, thrown: unknown, url: string, duration: number, redirectedTo: string | undefined): Attempt {
  // The transport contract classified it (transports/failure.ts); only the hook's URL is ours to set.
  const failure = classifyFailure(thrown)
  const base = { job, status: undefined, body: undefined, retryAfter: undefined, duration, redirectedTo }
  if (failure.kind === 'refused') return { ...base, error: failure.error, retryable: false }
  const code = failure.kind === 'timeout' ? 'ERR_WEB_HOOK_DELIVERY_TIMEOUT' : 'ERR_WEB_HOOK_DELIVERY_NETWORK'
  return { ...base, error: new WebHookDeliveryError(code, { url, cause: failure.cause }), retryable: true }
}
