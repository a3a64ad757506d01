// ESM entry: the CommonJS build re-exported under named exports.
import { createRequire } from 'node:module'

const api = createRequire(import.meta.url)('./lib/index.js')

export const {
  phaseRouter,
  phaseRouterAuto,
  phaseRouterDegrees,
  phaseRouterAsync,
  phaseRouterAutoAsync,
  phaseRouterDegreesAsync,
  buildBits,
  route,
  routeAsync,
  hashRoute,
  makeHardCaps,
  enforceCapacity,
  computeLoads,
  loadStats,
  survivalRate,
  capacityProfile,
  gate,
  gateAsync,
  dispatchReplicas,
  updateBias,
  KeyedRouter,
  movedKeys,
} = api
export default api
