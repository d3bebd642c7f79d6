/**
 * Process metrics (prom-client's CPU, memory, event-loop and GC collectors) start with the first
 * scrape, so a process with metrics off runs none of their observers.
 */
import { metricsRegistry, startProcessMetrics } from './metrics';

describe('process metrics', () => {
  it('are absent until started, then registered once however often a scrape starts them', async () => {
    expect(metricsRegistry.getSingleMetric('tapbook_process_cpu_seconds_total')).toBeUndefined();
    expect(metricsRegistry.getSingleMetric('tapbook_nodejs_gc_duration_seconds')).toBeUndefined();

    startProcessMetrics();
    startProcessMetrics();

    const text = await metricsRegistry.metrics();
    expect(text.match(/^# TYPE tapbook_process_cpu_seconds_total counter$/gm)).toHaveLength(1);
    expect(text).toMatch(/^# TYPE tapbook_nodejs_gc_duration_seconds histogram$/m);
    // Gauges that prom-client names _total stay out (Prometheus reserves the suffix for counters).
    expect(text).not.toMatch(/tapbook_nodejs_active_handles_total/);
  });
});
