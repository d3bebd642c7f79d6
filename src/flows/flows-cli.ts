/**
 * `npm run flows -- <command>`: keys (generate the endpoint's key pair), upload-key (send the public
 * key to Meta for a phone number), publish (create or update the booking Flow and publish it).
 * The private key is written to a file readable only by its owner and is never printed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../platform/config';
import { checkFlowFile } from './check-cli';
import { generateFlowsKeyPair } from './crypto';
import { formatValidationErrors, publishFlow, uploadBusinessPublicKey } from './meta-management';

/** Where the CLI writes its lines. */
export interface FlowsCliOutput {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = [
  'Usage: npm run flows -- <command> [options]',
  '  keys [--out .data/flows] [--force]            generate a 2048-bit RSA key pair for the Flows endpoint',
  '  upload-key --phone-number-id <id> [--public-key .data/flows/flows-public.pem]',
  '                                               upload the public key to Meta for that phone number',
  '  publish [--file flows/booking.flow.json] [--name tapbook_booking] [--endpoint-uri https://…/flows/endpoint] [--draft]',
  '                                               create or update the booking Flow and publish it',
];

function readOption(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  const value = index >= 0 ? argv[index + 1] : undefined;
  return value && !value.startsWith('--') ? value : undefined;
}

/** Runs one CLI command; resolves with the process exit code. */
export async function runFlowsCli(argv: string[], deps: { config: AppConfig; output: FlowsCliOutput; cwd?: string }): Promise<number> {
  const { config, output } = deps;
  const cwd = deps.cwd ?? process.cwd();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'keys':
        return writeKeys(rest, config, output, cwd);
      case 'upload-key':
        return await uploadKey(rest, config, output, cwd);
      case 'publish':
        return await publish(rest, config, output, cwd);
      default:
        for (const line of USAGE) output.err(line);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 1;
    }
  } catch (error) {
    output.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function writeKeys(argv: string[], config: AppConfig, output: FlowsCliOutput, cwd: string): number {
  const directory = path.resolve(cwd, readOption(argv, '--out') ?? '.data/flows');
  const privatePath = path.join(directory, 'flows-private.pem');
  const publicPath = path.join(directory, 'flows-public.pem');
  const passphrasePath = path.join(directory, 'flows-private.passphrase');
  if (!argv.includes('--force') && [privatePath, publicPath].some((file) => fs.existsSync(file))) {
    output.err(`A key pair already exists in ${directory}. Pass --force to replace it (then upload the new public key again).`);
    return 1;
  }
  const passphrase = config.flows.privateKeyPassphrase ?? randomBytes(24).toString('base64url');
  const { privateKeyPem, publicKeyPem } = generateFlowsKeyPair(passphrase);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  fs.writeFileSync(privatePath, privateKeyPem, { mode: 0o600 });
  fs.writeFileSync(publicPath, publicKeyPem, { mode: 0o644 });
  output.out(`Private key (encrypted, owner-only): ${privatePath}`);
  output.out(`Public key: ${publicPath}`);
  if (config.flows.privateKeyPassphrase) {
    output.out('The private key is protected with FLOWS_PRIVATE_KEY_PASSPHRASE.');
  } else {
    fs.writeFileSync(passphrasePath, `${passphrase}\n`, { mode: 0o600 });
    output.out(`Passphrase (owner-only file): ${passphrasePath}`);
  }
  output.out('Next: set FLOWS_PRIVATE_KEY_FILE and FLOWS_PRIVATE_KEY_PASSPHRASE, then `npm run flows -- upload-key --phone-number-id <id>`.');
  return 0;
}

async function uploadKey(argv: string[], config: AppConfig, output: FlowsCliOutput, cwd: string): Promise<number> {
  const phoneNumberId = readOption(argv, '--phone-number-id');
  if (!phoneNumberId) {
    output.err('upload-key needs --phone-number-id <id> (the WhatsApp phone number id from Meta).');
    return 1;
  }
  const accessToken = requireAccessToken(config, output);
  if (!accessToken) return 1;
  const publicKeyPath = path.resolve(cwd, readOption(argv, '--public-key') ?? '.data/flows/flows-public.pem');
  if (!fs.existsSync(publicKeyPath)) {
    output.err(`No public key at ${publicKeyPath}. Run \`npm run flows -- keys\` first or pass --public-key <file>.`);
    return 1;
  }
  await uploadBusinessPublicKey({ graphUrl: config.whatsapp.graphUrl, accessToken }, { phoneNumberId, publicKeyPem: fs.readFileSync(publicKeyPath, 'utf8') });
  output.out(`Public key uploaded for phone number ${phoneNumberId}; Meta signs it automatically.`);
  return 0;
}

async function publish(argv: string[], config: AppConfig, output: FlowsCliOutput, cwd: string): Promise<number> {
  const accessToken = requireAccessToken(config, output);
  if (!accessToken) return 1;
  const file = path.resolve(cwd, readOption(argv, '--file') ?? 'flows/booking.flow.json');
  const checked = checkFlowFile(file, true);
  if (!checked.isOk) {
    output.err('The Flow JSON does not pass the offline checker; fix it before sending it to Meta:');
    for (const line of checked.lines) output.err(line);
    return 1;
  }
  const flowId = config.flows.bookingFlowId;
  const businessAccountId = config.flows.businessAccountId;
  if (!flowId && !businessAccountId) {
    output.err('publish needs WHATSAPP_BUSINESS_ACCOUNT_ID (to create the Flow) or BOOKING_FLOW_ID (to update an existing one).');
    return 1;
  }
  const result = await publishFlow(
    { graphUrl: config.whatsapp.graphUrl, accessToken },
    {
      businessAccountId: businessAccountId ?? '',
      name: readOption(argv, '--name') ?? 'tapbook_booking',
      flowJson: fs.readFileSync(file, 'utf8'),
      ...(flowId ? { flowId } : {}),
      ...(readOption(argv, '--endpoint-uri') ? { endpointUri: readOption(argv, '--endpoint-uri') } : {}),
      isPublishing: !argv.includes('--draft'),
    },
  );
  output.out(`${result.isCreated ? 'Created' : 'Updated'} Flow ${result.flowId}.`);
  if (result.validationErrors.length > 0) {
    output.err(`Meta reported ${result.validationErrors.length} validation error(s); the Flow stays a draft:`);
    for (const line of formatValidationErrors(result.validationErrors)) output.err(`  ${line}`);
    return 1;
  }
  output.out(result.isPublished ? 'Published.' : 'Uploaded as a draft (send it with mode "draft" to test).');
  if (!flowId) output.out(`Set BOOKING_FLOW_ID=${result.flowId} so "Book appointment" sends this Flow.`);
  return 0;
}

function requireAccessToken(config: AppConfig, output: FlowsCliOutput): string | undefined {
  if (!config.whatsapp.accessToken) output.err('Set WHATSAPP_ACCESS_TOKEN (a system-user token with whatsapp_business_management) first.');
  return config.whatsapp.accessToken;
}
