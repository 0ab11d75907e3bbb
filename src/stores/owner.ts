/**
 * Lease owners of a local store: `host pid start random`. A lease held by a process of this host that is no longer
 * alive is released at once, so a restarted process picks up what a crashed one held without waiting for the lease to
 * expire. The process start time tells a previous incarnation with the same pid (a container restarted as PID 1)
 * from another store in this very process.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'

/** When this process started, ms since the epoch (rounded: the same for every store of the process). */
const started = Math.round((Date.now() - process.uptime() * 1000) / 1000)

/** A fresh owner id for one store instance. */
export function newOwner(): string {
  return `${hostname()} ${process.pid} ${started} ${randomUUID()}`
}

/** Whether the owner is a process of this host that has exited (other hosts: unknown, so false). */
export function isDeadOwner(owner: string): boolean {
  const [host, pidText, startText] = owner.split(' ')
  const pid = Number(pidText)
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return Math.abs(Number(startText) - started) > 2
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
