/** Defaults of the delivery engine that are not options: close's timeout, and how much of an answer is kept. */

/** `close()` waits this long by default, ms. */
export const DEFAULT_CLOSE_TIMEOUT = 10_000

/** Response bodies are kept up to this many characters. */
export const MAX_RESPONSE_BODY = 4096

/** A response body read past this many bytes is cut, by every transport: losing the connection costs less. */
export const MAX_RESPONSE_BYTES = 65_536
