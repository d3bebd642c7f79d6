/**
 * Sizes libuv's thread pool to the machine's cores (at least 2) unless UV_THREADPOOL_SIZE is set.
 * Entry points import this module first: libuv reads the variable once, when the pool runs its first job.
 * The pool does the Flows endpoint's RSA unwraps (~0.8 ms of CPU each); libuv's default of 4 threads
 * on a 2-core machine lets those unwraps outnumber the cores and preempt the event loop, which every
 * request also needs. bench:flows on a shared 2-core machine: app CPU per request 1.46–1.56 ms with 2
 * threads against 1.61–1.63 ms with 4 (p99 moved more with the machine's other load than with this).
 */
import os from 'node:os';

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, os.availableParallelism()));
