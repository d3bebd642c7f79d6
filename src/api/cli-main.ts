/** `npm run cli -- <command>`: admin commands (create a business, create an API key). */
import { runCli } from './cli';
import { createLogger, loadConfig } from '../platform';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const code = await runCli(process.argv.slice(2), {
    config,
    logger,
    output: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  });
  process.exit(code);
}

void main();
