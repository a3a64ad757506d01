// Cancelling the async routers with an AbortSignal.
//
// napi-rs cancels a queued libuv work through an object it wraps and gives an
// `onabort` method. Handing it the caller's signal would wrap that signal and
// overwrite its `onabort` property (inputs are never modified), so each call
// gets a private relay object instead, and a listener on the caller's signal
// forwards the abort to it.

import { expectObject } from './checks'

/** The object napi-rs turns into its AbortSignal: it sets `onabort` on it. */
export interface AbortRelay {
  onabort?: () => void
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal === 'function' && value instanceof AbortSignal) return true
  // Another realm's AbortSignal (vm context): same tag and shape.
  const v = value as { [Symbol.toStringTag]?: string; addEventListener?: unknown; aborted?: unknown } | null
  return (
    typeof v === 'object' &&
    v !== null &&
    v[Symbol.toStringTag] === 'AbortSignal' &&
    typeof v.addEventListener === 'function' &&
    typeof v.aborted === 'boolean'
  )
}

/** The `signal` of an async call's optional last argument, checked. */
export function signalOf(options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined
  const signal = expectObject(options, 'options').signal
  if (signal === undefined) return undefined
  if (!isAbortSignal(signal)) {
    throw new TypeError(`options.signal: expected an AbortSignal, got ${signal === null ? 'null' : `a ${typeof signal}`}`)
  }
  return signal
}

function abortError(): Error {
  return new DOMException('phase-router: the call was aborted', 'AbortError')
}

/**
 * Starts `start(relay)` unless `signal` is already aborted, and rejects with an
 * AbortError as soon as `signal` aborts before the work settles.
 */
export function cancellable<T>(signal: AbortSignal | undefined, start: (relay?: AbortRelay) => Promise<T>): Promise<T> {
  if (signal === undefined) return start()
  if (signal.aborted) return Promise.reject(abortError())
  const relay: AbortRelay = {}
  const work = start(relay)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      // Takes the work off the libuv queue if no thread has started it; the
      // native promise then rejects too, which the handlers below absorb. An
      // exception here would surface as an uncaught error, hence the catch.
      try {
        relay.onabort?.()
      } catch {
        // Nothing to cancel (already running or done): the result is dropped.
      }
      reject(abortError())
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const done = (): void => signal.removeEventListener('abort', onAbort)
    work.then(
      (value) => {
        done()
        resolve(value)
      },
      (error: unknown) => {
        done()
        reject(error)
      },
    )
  })
}
