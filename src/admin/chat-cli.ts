/**
 * `npm run chat`: chat with the running server (sandbox mode) as a customer of the demo business.
 * Every line you type is posted as a signed WhatsApp webhook, exactly as Meta would; the bot's
 * replies are read back from the sandbox feed. Buttons and list rows are numbered: type the number.
 *
 * A Flow message ("Book now") is an option too: choosing it walks the Flow's screens as numbered
 * prompts, rendered from flows/booking.flow.json by the same renderer as the simulator page, talking
 * to the Flows endpoint encrypted like WhatsApp; completing it posts the signed nfm_reply.
 *
 * Options: --from <wa_id> (default 34600123456), --name <profile name>, --url <server base URL>,
 * --flow <Flow JSON file> (default flows/booking.flow.json).
 */
import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline/promises';
import { flowRenderer, readFlowsPrivateKey } from '../flows';
import { loadConfig } from '../platform/config';
import { signBody } from '../whatsapp';
import { DEMO } from '../../prisma/seed';
import { walkFlowInTerminal } from './chat-flow';
import { readFlowJsonFile, readFlowParameters } from './simulator/simulated-phone';

interface Option {
  id: string;
  title: string;
  kind: 'button' | 'list' | 'flow';
  /** Flow options: the whole message, for its parameters and id. */
  payload?: Record<string, unknown>;
}

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const config = loadConfig();
const baseUrl = argument('url', `http://127.0.0.1:${config.http.port}`);
const from = argument('from', '34600123456');
const name = argument('name', 'Terminal Customer');
const flowFile = path.resolve(argument('flow', path.join(__dirname, '..', '..', 'flows', 'booking.flow.json')));
let lastSequence = 0n;
let options: Option[] = [];
let counter = 0;

function buildMessage(input: string): Record<string, unknown> {
  const choice = /^\d+$/.test(input) ? options[Number(input) - 1] : undefined;
  if (choice?.kind === 'button') return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: choice.id, title: choice.title } } };
  if (choice?.kind === 'list') return { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: choice.id, title: choice.title } } };
  return { type: 'text', text: { body: input } };
}

async function post(message: Record<string, unknown>): Promise<void> {
  await postWebhook(message);
}

async function postWebhook(message: Record<string, unknown>): Promise<void> {
  counter += 1;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'sandbox', changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: DEMO.displayPhone, phone_number_id: DEMO.phoneNumberId },
      contacts: [{ profile: { name }, wa_id: from }],
      messages: [{ from, id: `wamid.chat.${Date.now()}.${counter}`, timestamp: String(Math.floor(Date.now() / 1000)), ...message }],
    } }] }],
  });
  const res = await fetch(`${baseUrl}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(config.whatsapp.appSecret, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`The server answered ${res.status}: ${await res.text()}`);
}

function print(payload: Record<string, any>): void {
  if (payload.type === 'text') {
    console.log(`\nbot: ${payload.text.body}`);
    return;
  }
  if (payload.type === 'template') {
    console.log(`\nbot (template ${payload.template?.name})`);
    return;
  }
  const interactive = payload.interactive ?? {};
  console.log(`\nbot: ${interactive.body?.text ?? ''}`);
  if (interactive.type === 'button') {
    options = interactive.action.buttons.map((b: any) => ({ id: b.reply.id, title: b.reply.title, kind: 'button' as const }));
  } else if (interactive.type === 'list') {
    options = interactive.action.sections.flatMap((s: any) => s.rows.map((r: any) => ({ id: r.id, title: r.title + (r.description ? ` — ${r.description}` : ''), kind: 'list' as const })));
  } else if (interactive.type === 'flow') {
    options = [{ id: 'flow', title: `[${interactive.action?.parameters?.flow_cta ?? 'Open form'}] (opens the form)`, kind: 'flow', payload }];
  }
  options.forEach((option, index) => console.log(`  ${index + 1}. ${option.title}`));
}

async function fetchNew(): Promise<number> {
  const res = await fetch(`${baseUrl}/sandbox/messages?waId=${encodeURIComponent(from)}&after=${lastSequence}`);
  if (res.status === 404) throw new Error('The server is not in sandbox mode (WHATSAPP_ACCESS_TOKEN is set): the chat only works in sandbox mode.');
  const { messages } = (await res.json()) as { messages: Array<{ sequence: string; payload: Record<string, unknown> }> };
  for (const message of messages) {
    lastSequence = BigInt(message.sequence);
    print(message.payload);
  }
  return messages.length;
}

// Replies arrive through the job queue; wait until they stop coming (or give up quietly: during
// a hand-off the bot is silent on purpose).
async function waitForReplies(): Promise<void> {
  const started = Date.now();
  let lastArrival = 0;
  for (;;) {
    const count = await fetchNew();
    if (count > 0) lastArrival = Date.now();
    if (lastArrival && Date.now() - lastArrival > 600) return;
    if (!lastArrival && Date.now() - started > 4000) {
      console.log('\n(no answer — during a hand-off a person answers, not the bot)');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

// Opens the Flow message's form, walks it, and posts what WhatsApp would post when it completes.
async function fillFlow(rl: readline.Interface, option: Option): Promise<void> {
  const parameters = readFlowParameters(option.payload);
  const privateKey = readFlowsPrivateKey(config.flows);
  if (!parameters) return;
  if (!privateKey) {
    console.log('\n(the Flows endpoint has no key: set FLOWS_PRIVATE_KEY or FLOWS_PRIVATE_KEY_FILE for the server and this chat; `npm run flows -- keys` makes one)');
    return;
  }
  const flow = readFlowJsonFile(flowFile);
  const transport = flowRenderer.createEndpointTransport({ url: `${baseUrl}${config.flows.endpointPath}`, publicKey: createPublicKey(privateKey), appSecret: config.whatsapp.appSecret });
  const state = await flowRenderer.openFlowRun({ flow, flowToken: parameters.flowToken, flowAction: parameters.flowAction, ...(parameters.screen ? { screen: parameters.screen } : {}), ...(parameters.data ? { data: parameters.data } : {}), transport });
  const closed = await walkFlowInTerminal({ flow, state, transport, io: { ask: (question) => rl.question(question), print: (line) => console.log(line) } });
  if (closed.kind === 'refused') console.log(`\n(the form closed: ${closed.message})`);
  if (closed.kind !== 'completed') return;
  const responseJson = JSON.stringify({ ...closed.response, flow_token: parameters.flowToken });
  await postWebhook({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } } });
  console.log('\nyou: (form sent)');
  await waitForReplies();
}

async function main(): Promise<void> {
  try {
    await fetch(`${baseUrl}/health`);
  } catch {
    throw new Error(`No server at ${baseUrl}. Start it with \`npm start\` in another terminal (or pass --url).`);
  }
  await fetchNew();
  console.log(`Chatting with ${DEMO.businessName} as ${from}. Type a message, or the number of an option. Ctrl-D to quit.`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  for (;;) {
    let line: string;
    try {
      line = (await rl.question('\nyou: ')).trim();
    } catch {
      break;
    }
    if (!line) continue;
    const choice = /^\d+$/.test(line) ? options[Number(line) - 1] : undefined;
    if (choice?.kind === 'flow') {
      await fillFlow(rl, choice);
      continue;
    }
    await post(buildMessage(line));
    await waitForReplies();
  }
  rl.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
