/**
 * Imported first by src/main.ts: with OTEL_EXPORTER_OTLP_ENDPOINT set, starts OpenTelemetry
 * before express, pg and http are required (instrumentation patches modules as they load).
 * Imports only the configuration and the tracing module, neither of which loads those.
 */
import { loadConfig } from './platform/config';
import { startTracing } from './platform/tracing';
import { version } from '../package.json';

try {
  const { tracing, processRole } = loadConfig();
  const serviceName = tracing.serviceName ?? (processRole === 'all' ? 'tapbook' : `tapbook-${processRole}`);
  if (tracing.otlpEndpoint) startTracing({ endpoint: tracing.otlpEndpoint, serviceName, version });
} catch {
  // An invalid configuration is reported by main() with every bad variable; nothing to trace then.
}
