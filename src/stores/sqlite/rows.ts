/** A stored delivery and a dead letter as the SQLite store's rows and insert values, and back. */
import type { WebHookDeadLetter, WebHookStoredDelivery } from '../../contracts/store.js'
import type { DeadRow, InsertValues, PendingRow } from './schema.js'

export function delivery(row: PendingRow): WebHookStoredDelivery {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, traceparent } = row
  const stored = { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore }
  return traceparent === null ? stored : { ...stored, traceparent }
}

/** A stored delivery as a row: every column named (`traceparent` null when the call had no trace context). */
export function row(item: WebHookStoredDelivery): PendingRow {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore } = item
  return {
    id,
    endpoint,
    url,
    type,
    method,
    callId,
    body,
    createdAt,
    attempts,
    notBefore,
    traceparent: item.traceparent ?? null,
  }
}

/** A stored delivery as the values of an insert (see `InsertValues`). */
export function insertValues(
  item: WebHookStoredDelivery,
  leaseUntil: number | null,
  owner: string | null
): InsertValues {
  const { id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore } = item
  const trace = item.traceparent ?? null
  return [id, endpoint, url, type, method, callId, body, createdAt, attempts, notBefore, trace, leaseUntil, owner]
}

export function letter(row: DeadRow): WebHookDeadLetter {
  const { failedAt, code, message, status } = row
  return { ...delivery(row), failedAt, code, message, ...(status === null ? {} : { status }) }
}

/** A dead letter as its row. */
export function deadRow(dead: WebHookDeadLetter): DeadRow {
  const { failedAt, code, message } = dead
  return { ...row(dead), failedAt, code, message, status: dead.status ?? null }
}
