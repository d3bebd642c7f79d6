/**
 * Loads an ES-module-only package from CommonJS code with Node's own require (Node 22.12+
 * supports require(esm); under Jest this needs --experimental-vm-modules, which `npm test` sets).
 */
import { createRequire } from 'node:module';

const nodeRequire = createRequire(__filename);

/** Requires an ES module package and returns its namespace. */
export function loadEsm<T>(specifier: string): T {
  return nodeRequire(specifier) as T;
}
