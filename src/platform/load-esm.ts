/**
 * Loads an ES-module-only package from CommonJS code with Node's own require (Node 22.12+
 * supports require(esm)). Jest replaces `require` and the `module` builtin with its own
 * registry, which cannot require ES modules without --experimental-vm-modules; asking the
 * runtime for the real `module` builtin keeps such packages usable in tests as in production.
 */
import type * as NodeModule from 'node:module';

const nativeModule = process.getBuiltinModule('node:module') as typeof NodeModule;
const nodeRequire = nativeModule.createRequire(__filename);

/** Requires an ES module package through Node's native loader and returns its namespace. */
export function loadEsm<T>(specifier: string): T {
  return nodeRequire(specifier) as T;
}
