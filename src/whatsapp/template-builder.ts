/** Builder of template messages: the only message type Meta delivers outside the 24 h window. */
import { TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES } from './limits';
import { buildEnvelope, ensure, type RecipientInput } from './message-builders';
import type { TemplateComponent, TemplateMessageBody } from './outbound-message';

/** Parameter of one template button: a quick-reply payload or a Flow button's token and data. */
export type TemplateButtonInput =
  | { type: 'quick_reply'; index: number; payload: string }
  | { type: 'flow'; index: number; flowToken: string; flowActionData?: Record<string, unknown> };

/** Input of buildTemplateMessage; parameter count and order must match the approved template. */
export interface TemplateMessageInput extends RecipientInput {
  name: string;
  languageCode: string;
  bodyParameters?: string[];
  buttons?: TemplateButtonInput[];
}

/** Builds a template message with body text parameters and quick-reply / Flow button parameters. */
export function buildTemplateMessage(input: TemplateMessageInput): TemplateMessageBody {
  ensure(input.name.trim() !== '' && input.languageCode.trim() !== '', 'template message needs a name and a language code');
  const components: TemplateComponent[] = [];
  if (input.bodyParameters && input.bodyParameters.length > 0) {
    components.push({ type: 'body', parameters: input.bodyParameters.map((text) => ({ type: 'text', text: toTemplateParamText(text) })) });
  }
  for (const button of input.buttons ?? []) components.push(toButtonComponent(button));
  const template: TemplateMessageBody['template'] = { name: input.name, language: { code: input.languageCode } };
  return { ...buildEnvelope(input), type: 'template', template: components.length > 0 ? { ...template, components } : template };
}

/**
 * Meta rejects template parameters with new lines, tabs or more than 4 consecutive spaces
 * ("Param text cannot have new-line/tab characters…"), so they are flattened; an empty one is replaced by '-'.
 */
export function toTemplateParamText(text: string): string {
  const maxSpaces = ' '.repeat(TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES);
  const flat = text
    .replace(/\s*[\r\n\t]+\s*/g, ' ')
    .replace(new RegExp(` {${TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES + 1},}`, 'g'), maxSpaces)
    .trim();
  return flat === '' ? '-' : flat;
}

function toButtonComponent(button: TemplateButtonInput): TemplateComponent {
  ensure(Number.isInteger(button.index) && button.index >= 0 && button.index <= 9, `template button index must be 0–9, got ${button.index}`);
  const index = String(button.index);
  if (button.type === 'quick_reply') {
    return { type: 'button', sub_type: 'quick_reply', index, parameters: [{ type: 'payload', payload: button.payload }] };
  }
  const action = button.flowActionData ? { flow_token: button.flowToken, flow_action_data: button.flowActionData } : { flow_token: button.flowToken };
  return { type: 'button', sub_type: 'flow', index, parameters: [{ type: 'action', action }] };
}
