/**
 * Process metrics under the names of Prometheus and prom-client (process_cpu_seconds_total,
 * nodejs_heap_size_used_bytes…), all read when a scrape asks for them: nothing runs between
 * scrapes. prom-client's default collectors watch the process continuously (an event-loop delay
 * sampler, a GC observer); with them a loaded web process spent about 6 % more CPU from its first
 * scrape on (bench/results/webhook-metrics-cost.md). No GC metrics for that reason.
 */
import fs from 'node:fs';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Registers the process metrics in `registry` (prefix `tapbook_`); all are read at the scrape. */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  let cpuSeen = 0;
  new Counter({
    name: 'tapbook_process_cpu_seconds_total',
    help: 'Total user and system CPU time spent in seconds.',
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      const total = (user + system) / 1e6;
      this.inc(Math.max(0, total - cpuSeen));
      cpuSeen = total;
    },
  });
  new Gauge({ name: 'tapbook_process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', registers })
    .set(Math.round(Date.now() / 1000 - process.uptime()));
  new Gauge({
    name: 'tapbook_process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage.rss());
    },
  });
  new Gauge({
    name: 'tapbook_process_open_fds',
    help: 'Number of open file descriptors (Linux only).',
    registers,
    collect() {
      try {
        this.set(fs.readdirSync('/proc/self/fd').length - 1); // less the one readdir opened
      } catch {
        // Not Linux: the gauge stays without a value.
      }
    },
  });
  // prom-client's names for the same numbers, so the usual Node.js dashboards read them.
  const memory = (name: string, help: string, read: (usage: NodeJS.MemoryUsage) => number) =>
    new Gauge({ name, help, registers, collect() { this.set(read(process.memoryUsage())); } });
  memory('tapbook_nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', (usage) => usage.heapUsed);
  memory('tapbook_nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', (usage) => usage.heapTotal);
  memory('tapbook_nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', (usage) => usage.external);
  // One sample at the scrape, as prom-client once did: how long a callback queued now waits for the
  // event loop. A continuous sampler (perf_hooks.monitorEventLoopDelay, even at 100 ms) cost a loaded
  // web process about 5 % more CPU for as long as it ran.
  new Gauge({
    name: 'tapbook_nodejs_eventloop_lag_seconds',
    help: 'Lag of the event loop at the scrape in seconds: how long a callback queued then waited to run.',
    registers,
    async collect() {
      const queued = process.hrtime.bigint();
      await new Promise((resolve) => setImmediate(resolve));
      this.set(Number(process.hrtime.bigint() - queued) / 1e9);
    },
  });
}
