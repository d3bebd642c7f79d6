/** `npm run flows -- keys | upload-key | publish`: WhatsApp Flows key pair and Meta management (see src/flows/flows-cli.ts). */
import { runFlowsCli } from '../src/flows';
import { loadConfig } from '../src/platform';

async function main(): Promise<void> {
  const code = await runFlowsCli(process.argv.slice(2), {
    config: loadConfig(),
    output: { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  });
  process.exit(code);
}

void main();
