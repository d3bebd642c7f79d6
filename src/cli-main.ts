/** `npm run cli -- <command>`: admin commands (create a business, an API key, a console user). */
import { runCli } from './api/cli';
import { runUserCli } from './admin';
import { createLogger, loadConfig } from './platform';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const code = await runCli(process.argv.slice(2), {
    config,
    logger,
    output: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
    // Console users live in the console component; the CLI only hands it the database.
    runUserCommand: runUserCli,
  });
  process.exit(code);
}

void main();
