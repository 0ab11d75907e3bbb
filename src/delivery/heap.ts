/** A binary min-heap on `dueAt`: the retry waits of one endpoint, behind a single timer. */
export interface Due {
  dueAt: number
}

export class DueHeap<T extends Due> {
  readonly items: T[] = []

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(item: T): void {
    const items = this.items
    let index = items.push(item) - 1
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (items[parent]!.dueAt <= item.dueAt) break
      items[index] = items[parent]!
      index = parent
    }
    items[index] = item
  }

  pop(): T | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    let index = 0
    const length = items.length
    for (;;) {
      const left = 2 * index + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && items[right]!.dueAt < items[left]!.dueAt ? right : left
      if (items[child]!.dueAt >= last.dueAt) break
      items[index] = items[child]!
      index = child
    }
    items[index] = last
    return top
  }
}
