/**
 * Counts and times every Graph API call of a client (tapbook_graph_api_* in platform/metrics.ts),
 * by outcome and Meta error code, without changing what the client answers or throws.
 */
import { areMetricsEnabled, recordGraphCall, type GraphCallOutcome } from '../platform/metrics';
import { NetworkError, WhatsAppApiError } from '../platform/errors';
import type { GraphClient } from './graph-client';

/** Wraps a Graph client so each call is recorded; returns the client itself while metrics are off. */
export function withGraphMetrics(client: GraphClient): GraphClient {
  if (!areMetricsEnabled()) return client;
  return {
    sendMessage: (phoneNumberId, body) => timed('send_message', () => client.sendMessage(phoneNumberId, body)),
    markRead: (phoneNumberId, messageId) => timed('mark_read', () => client.markRead(phoneNumberId, messageId)),
  };
}

async function timed<T>(method: 'send_message' | 'mark_read', call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await call();
    recordGraphCall(method, 'accepted', (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    const { outcome, code } = classify(error);
    recordGraphCall(method, outcome, (performance.now() - started) / 1000, code);
    throw error;
  }
}

function classify(error: unknown): { outcome: GraphCallOutcome; code?: number } {
  if (error instanceof WhatsAppApiError) return error.code === undefined ? { outcome: 'meta_error' } : { outcome: 'meta_error', code: error.code };
  if (error instanceof NetworkError) return { outcome: 'network_error' };
  // A request that could not be built (SendConfigurationError) never left this process.
  return { outcome: 'not_sent' };
}
