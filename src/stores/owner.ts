/**
 * Lease owners of a local store: `host pid token`. A lease held by a process of this host that is no longer alive is
 * released at once, so a restarted process picks up what a crashed one held without waiting for the lease to expire.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'

/** A fresh owner id for one store instance. */
export function newOwner(): string {
  return `${hostname()} ${process.pid} ${randomUUID()}`
}

/** Whether the owner is a process of this host that has exited (other hosts: unknown, so false). */
export function isDeadOwner(owner: string): boolean {
  const [host, pidText] = owner.split(' ')
  const pid = Number(pidText)
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
