/**
 * The terminal front end of the shared Flow renderer: walks an open Flow screen by screen as
 * numbered prompts (`npm run chat`). Every rule (bindings, visibility, validation, the answer
 * checker, Back) is the renderer's; this file only prints and asks.
 */
import { flowRenderer } from '../flows';

/** How the walker talks to the person at the terminal. */
export interface TerminalIo {
  ask(question: string): Promise<string>;
  print(line: string): void;
}

const RED = '\u001b[31m';
const RESET = '\u001b[0m';

class FlowCommand extends Error {
  constructor(readonly command: 'back' | 'close') {
    super(command);
  }
}

function describeDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The days a CalendarPicker or DatePicker lets the customer pick (at most a year). */
export function listSelectableDays(props: Record<string, unknown>): string[] {
  const min = flowRenderer.toIsoDate(props['min-date']);
  const max = flowRenderer.toIsoDate(props['max-date']);
  if (!min || !max) return [];
  const days: string[] = [];
  for (let day = new Date(`${min}T12:00:00Z`); day.toISOString().slice(0, 10) <= max && days.length < 366; day = new Date(day.getTime() + 86_400_000)) {
    const iso = day.toISOString().slice(0, 10);
    if (flowRenderer.isSelectableDate(props, iso)) days.push(iso);
  }
  return days;
}

async function askInput(io: TerminalIo, component: flowRenderer.RenderedComponent, current: unknown, error: string | undefined): Promise<unknown> {
  const label = flowRenderer.toText(component.props.label) + (component.props.required === true ? ' *' : '');
  if (error) io.print(`${RED}  ${label}: ${error}${RESET}`);
  const ask = async (question: string) => {
    const answer = (await io.ask(question)).trim();
    if (answer === 'b') throw new FlowCommand('back');
    if (answer === 'q') throw new FlowCommand('close');
    return answer;
  };
  switch (component.type) {
    case 'RadioButtonsGroup':
    case 'Dropdown':
    case 'CheckboxGroup':
    case 'ChipsSelector': {
      const options = flowRenderer.readOptions(component);
      io.print(`  ${label}`);
      options.forEach((option, index) => io.print(`    ${index + 1}. ${option.title}${option.description ? ` — ${option.description}` : ''}`));
      const isMulti = component.type === 'CheckboxGroup' || component.type === 'ChipsSelector';
      const answer = await ask(isMulti ? '  numbers, comma-separated (Enter: none): ' : `  number${current ? ' (Enter: keep)' : ''}: `);
      if (!answer) return isMulti ? (current ?? []) : current;
      const picked = answer.split(',').map((part) => options[Number(part.trim()) - 1]?.id).filter((id): id is string => id !== undefined);
      return isMulti ? picked : (picked[0] ?? answer);
    }
    case 'CalendarPicker':
    case 'DatePicker': {
      const days = listSelectableDays(component.props);
      io.print(`  ${label}`);
      io.print(`    ${days.map((day, index) => `${index + 1}. ${describeDay(day)}`).join('  ')}`);
      const answer = await ask('  number or YYYY-MM-DD: ');
      if (!answer) return current;
      return /^\d{1,3}$/.test(answer) ? (days[Number(answer) - 1] ?? answer) : answer;
    }
    case 'OptIn': {
      const answer = await ask(`  ${label} (y/n): `);
      return answer ? answer.toLowerCase().startsWith('y') || answer.toLowerCase().startsWith('s') : current === true;
    }
    default: {
      const answer = await ask(`  ${label}${current ? ` [${flowRenderer.toText(current)}]` : ''}: `);
      return answer || current || '';
    }
  }
}

function printScreen(io: TerminalIo, model: flowRenderer.ScreenModel): void {
  if (model.title) io.print(`\n== ${model.title} ==`);
  else io.print('');
  for (const component of model.components) {
    const text = flowRenderer.toText(component.props.text);
    if (component.type === 'TextHeading') io.print(`# ${text}`);
    else if (component.type === 'TextSubheading') io.print(`## ${text}`);
    else if (component.type === 'TextBody' || component.type === 'TextCaption') io.print(text);
    else if (component.type === 'EmbeddedLink') io.print(`[${text}]`);
  }
}

/**
 * Walks the Flow until it closes: prints each screen, asks each visible input (b = Back,
 * q = close), then runs the Footer. Returns why it closed (completed: the payload to post).
 */
export async function walkFlowInTerminal(params: {
  flow: flowRenderer.FlowDocument;
  state: flowRenderer.FlowRunState;
  transport: flowRenderer.FlowTransport;
  io: TerminalIo;
}): Promise<flowRenderer.FlowRunClosed> {
  const { flow, transport, io } = params;
  let state = params.state;
  while (!state.closed) {
    if (state.schemaErrors) {
      io.print(`${RED}WhatsApp would refuse this screen:${RESET}`);
      state.schemaErrors.forEach((error) => io.print(`${RED}  ${error.field}: ${error.message}${RESET}`));
      state = await flowRenderer.goBack(flow, state, transport);
      if (state.stack.length === 0) return { kind: 'dismissed' };
      continue;
    }
    const model = flowRenderer.currentScreen(flow, state);
    if (!model) return { kind: 'dismissed' };
    printScreen(io, model);
    if (state.snackbar) io.print(`(!) ${state.snackbar}`);
    try {
      const values: Record<string, unknown> = {};
      const form = state.stack[state.stack.length - 1]!.form;
      const errors = state.fieldErrors ?? {};
      for (const component of model.components) {
        if (!component.name || !flowRenderer.INPUT_TYPES.has(component.type)) continue;
        values[component.name] = await askInput(io, component, form[component.name], errors[component.name]);
        // A choice can change what the rest of the screen shows (If, Switch, visible): ask on the redrawn screen.
        state = flowRenderer.setFormValues(state, { [component.name]: values[component.name] });
      }
      const footer = model.footer ? flowRenderer.toText(model.footer.props.label) : 'Continue';
      const go = (await io.ask(`[${footer}] Enter to continue, b = back, q = close: `)).trim();
      if (go === 'b') throw new FlowCommand('back');
      if (go === 'q') throw new FlowCommand('close');
      state = await flowRenderer.tapFooter(flow, state, transport);
    } catch (error) {
      if (!(error instanceof FlowCommand)) throw error;
      state = error.command === 'close' ? { ...state, closed: { kind: 'dismissed' } } : await flowRenderer.goBack(flow, state, transport);
    }
  }
  return state.closed;
}
