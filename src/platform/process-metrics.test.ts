/**
 * Process metrics start with the first scrape, under the names of Prometheus and prom-client, and
 * are all read at the scrape: no event-loop sampler or GC observer runs between scrapes.
 */
import { metricsRegistry, startProcessMetrics } from './metrics';

describe('process metrics', () => {
  it('are absent until started, then registered once however often a scrape starts them', async () => {
    expect(metricsRegistry.getSingleMetric('tapbook_process_cpu_seconds_total')).toBeUndefined();

    startProcessMetrics();
    startProcessMetrics();

    const text = await metricsRegistry.metrics();
    expect(text.match(/^# TYPE tapbook_process_cpu_seconds_total counter$/gm)).toHaveLength(1);
    const gauges = ['process_start_time_seconds', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes'];
    for (const gauge of [...gauges, 'nodejs_eventloop_lag_seconds'].map((name) => `tapbook_${name}`)) {
      expect(text).toContain(`# TYPE ${gauge} gauge\n`);
    }
    expect(text).not.toMatch(/gc_duration/);
  });

  it('count CPU time as it is spent, and read memory and open files at the scrape', async () => {
    startProcessMetrics();
    const read = async (name: string) => (await metricsRegistry.getSingleMetric(name)!.get()).values[0]!.value;
    const cpuBefore = await read('tapbook_process_cpu_seconds_total');
    const end = process.cpuUsage().user + 50_000; // spend 50 ms of CPU
    while (process.cpuUsage().user < end);
    expect(await read('tapbook_process_cpu_seconds_total')).toBeGreaterThanOrEqual(cpuBefore + 0.05);
    expect(await read('tapbook_process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
    expect(await read('tapbook_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(await read('tapbook_process_open_fds')).toBeGreaterThan(2);
    // A callback queued behind 30 ms of work waits for it.
    const lag = (metricsRegistry.getSingleMetric('tapbook_nodejs_eventloop_lag_seconds')!.get());
    const busyUntil = process.hrtime.bigint() + 30_000_000n;
    while (process.hrtime.bigint() < busyUntil);
    expect((await lag).values[0]!.value).toBeGreaterThanOrEqual(0.03);
  });
});
