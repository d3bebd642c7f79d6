/**
 * The console's static files, served by our own route from this folder and node_modules (htmx, Chart.js),
 * so pages work offline after `npm install`: no CDN, no build step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

/** Rows of 5 minutes in a day, the calendar's grid unit. */
export const CALENDAR_ROWS_PER_DAY = 288;
/** Most grid columns a calendar can have (staff × days + the hour gutter). */
export const CALENDAR_MAX_COLUMNS = 240;
/** Rows the header of a calendar takes before the first time row. */
export const CALENDAR_HEADER_ROWS = 6;

/** Placement classes: the CSP forbids inline styles, so positions are classes of the stylesheet. */
function buildCalendarClasses(): string {
  const lines: string[] = [];
  const rows = CALENDAR_ROWS_PER_DAY + CALENDAR_HEADER_ROWS + 1;
  for (let n = 1; n <= rows; n += 1) lines.push(`.r-${n}{grid-row-start:${n}}.h-${n}{grid-row-end:span ${n}}`);
  for (let n = 1; n <= CALENDAR_MAX_COLUMNS; n += 1) {
    lines.push(`.c-${n}{grid-column-start:${n}}.w-${n}{grid-column-end:span ${n}}.cols-${n}{grid-template-columns:56px repeat(${n},minmax(120px,1fr))}.wcols-${n}{grid-template-columns:48px repeat(${n},minmax(64px,1fr))}`);
  }
  return lines.join('\n');
}

function readAsset(file: string): string {
  return fs.readFileSync(path.join(__dirname, '..', 'assets', file), 'utf8');
}

/** Builds the /admin/assets router. */
export function createAssetRoutes(): Router {
  const router = Router();
  const files: Record<string, { type: string; body: string }> = {
    'console.css': { type: 'text/css', body: `${readAsset('console.css')}\n${buildCalendarClasses()}\n` },
    'console.js': { type: 'text/javascript', body: readAsset('console.js') },
    // The WhatsApp simulator's look and its small script (src/admin/simulator).
    'simulator.css': { type: 'text/css', body: readAsset('simulator.css') },
    'simulator.js': { type: 'text/javascript', body: readAsset('simulator.js') },
    'htmx.min.js': { type: 'text/javascript', body: fs.readFileSync(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8') },
    'dashboard.js': { type: 'text/javascript', body: readAsset('dashboard.js') },
    // Chart.js's UMD build (not among the package's exports, hence the path beside its main file).
    'chart.umd.min.js': { type: 'text/javascript', body: fs.readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8') },
  };
  router.get('/admin/assets/:file', (req, res, next) => {
    const file = files[req.params.file];
    if (!file) return next();
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(file.type).send(file.body);
  });
  return router;
}
