/** Bounded waits: a close that must keep its deadline whatever the store or the network does. */

/**
 * Whether `work` resolved within `ms` (a rejection within it rejects); past that, `work` goes on in the background.
 * The timer keeps the process alive meanwhile.
 */
export async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<false>(resolve => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([work.then(() => true), late])
  } finally {
    clearTimeout(timer)
  }
}
