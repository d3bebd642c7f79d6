/** Platform services every component may use: config, logging, database, clock, errors. */
export { loadConfig, type AppConfig } from './config';
export { createLogger, type Logger } from './logger';
export { systemClock, createFixedClock, type Clock } from './clock';
export { createPrismaClient, disconnectPrisma, closeWithPrisma, poolOf, inPgTransaction, checkDatabase, Prisma, PrismaClient, type Db, type PgClient } from './database';
export { openDatabase, ensureDatabaseExists, type OpenedDatabase } from './database-bootstrap';
export { applyMigrations, diffSchemas, findPendingMigrations, PendingMigrationsError, MIGRATIONS_DIR } from './migrations';
export { openSecret } from './secret-box';
export { SANDBOX_APP_SECRET } from './config';
export { loadEsm } from './load-esm';
export {
  metricsRegistry,
  setMetricsEnabled,
  areMetricsEnabled,
  recordBuildInfo,
  recordGraphCall,
  recordBookingResult,
  recordHoldsExpired,
  recordHandoff,
  recordReminderLateness,
  type GraphCallOutcome,
} from './metrics';
export * from './errors';
export { createSecurityHeaders, CONTENT_SECURITY_POLICY_DIRECTIVES } from './security-headers';
export {
  safeFetch,
  checkOutboundUrl,
  classifyAddress,
  resolveWithDns,
  OutboundRequestError,
  type OutboundPolicy,
  type HostResolver,
  type OutboundUrlCheck,
  type SafeResponse,
  type SafeFetchInit,
  type AddressClass,
} from './safe-fetch';
export { findUnsafeInput, sanitizeInput, createSanitizeReport, findTextProblem, isPlausibleInstant, MAX_INPUT_DEPTH, PLAUSIBLE_INSTANTS, type UnsafeInput, type SanitizeReport } from './input-safety';
