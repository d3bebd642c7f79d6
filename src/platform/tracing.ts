/**
 * Optional OpenTelemetry tracing. Nothing of OpenTelemetry is loaded unless
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; then the Node SDK exports spans over OTLP/HTTP with the
 * http (incoming webhook and Flows requests, outgoing Graph API calls), express and pg
 * instrumentations. It must start before express, pg and http are first required, which is why
 * src/main.ts imports tracing-preload.ts before anything else.
 */
import type { Tracer } from '@opentelemetry/api';
import type { TaskList } from 'graphile-worker';

let tracer: Tracer | undefined;
let api: typeof import('@opentelemetry/api') | undefined;
let shutdown: (() => Promise<void>) | undefined;

/** Starts the SDK (synchronously, so modules required afterwards are instrumented). */
export function startTracing(options: { endpoint: string; serviceName: string; version: string }): void {
  if (tracer) return;
  // Required here, never at the top: a process without tracing loads none of it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof import('@opentelemetry/instrumentation-express');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` }),
    instrumentations: [
      // The exporter's own posts are not traced (they would trace themselves).
      new HttpInstrumentation({ ignoreOutgoingRequestHook: (request) => String(request.path ?? '').startsWith('/v1/traces') }),
      new ExpressInstrumentation(),
      // Only queries inside a request or a job: the job queue's polling would otherwise be a trace per second.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  tracer = api.trace.getTracer('tapbook', options.version);
  shutdown = () => sdk.shutdown();
}

/** Whether tracing runs in this process. */
export function isTracingOn(): boolean {
  return tracer !== undefined;
}

/**
 * The W3C `traceparent` of the active span, to hand to a job so its work joins this trace (a
 * webhook's turn); undefined while tracing is off or nothing is active.
 */
export function currentTraceparent(): string | undefined {
  if (!api) return undefined;
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return carrier.traceparent;
}

/**
 * Runs `work` inside a new span: a child of `traceparent` when given (a job continuing a webhook's
 * trace), else of the active span, else the root of a trace; just runs it while tracing is off.
 */
export async function inSpan<T>(name: string, work: () => Promise<T>, traceparent?: string): Promise<T> {
  if (!tracer || !api) return work();
  const parent = traceparent ? api.propagation.extract(api.ROOT_CONTEXT, { traceparent }) : api.context.active();
  return tracer.startActiveSpan(name, {}, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: 2 });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Gives every job a span of its own ("job <task>"): in the trace of the request that queued it when
 * its payload carries that request's `traceparent` (a webhook's turn), else the root of a new trace.
 * The list itself while tracing is off.
 */
export function traceTaskList(tasks: TaskList): TaskList {
  if (!tracer) return tasks;
  const parentOf = (payload: unknown) => {
    const value = typeof payload === 'object' && payload !== null ? (payload as { traceparent?: unknown }).traceparent : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  return Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, (payload, helpers) => inSpan(`job ${name}`, async () => task!(payload, helpers), parentOf(payload))])) as TaskList;
}

/** Flushes and stops the exporter (at shutdown). */
export async function stopTracing(): Promise<void> {
  await shutdown?.();
}
