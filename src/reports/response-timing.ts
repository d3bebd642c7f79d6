/** Times the answers of one route into a histogram labelled by HTTP status. */
import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';

/** Middleware: observes the time from a POST's arrival to its answer leaving, by status code. */
export function timePostResponses(histogram: Histogram<'status'>): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const started = process.hrtime.bigint();
    res.once('finish', () => histogram.observe({ status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9));
    next();
  };
}
