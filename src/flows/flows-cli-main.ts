/** `npm run flows -- keys | upload-key | publish`: WhatsApp Flows key pair and Meta management (see flows-cli.ts). */
import { runFlowsCli } from './flows-cli';
import { loadConfig } from '../platform';

async function main(): Promise<void> {
  const code = await runFlowsCli(process.argv.slice(2), {
    config: loadConfig(),
    output: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  });
  process.exit(code);
}

void main();
