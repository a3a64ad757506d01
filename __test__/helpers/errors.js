// Errors thrown by the native addon are built in Node's main realm, while jest
// runs tests in a vm context with its own RangeError; so match on name.
function thrown(call) {
  try {
    call()
  } catch (e) {
    return e
  }
  throw new Error('expected a throw')
}

async function rejected(promise) {
  return promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e) => e,
  )
}

module.exports = { thrown, rejected }
