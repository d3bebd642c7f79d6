/**
 * Independent check of a `/messages` body against Meta's limits. Tests (and the sandbox) run every
 * message we would send through it: an empty list means Meta would not reject it for its shape.
 */
import { TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES, WHATSAPP_LIMITS as L } from './limits';
import { measureText } from './text-length';

type Json = Record<string, unknown>;

/** Returns every limit violation of `body` as a readable string (empty = valid). */
export function validateOutboundMessage(body: unknown): string[] {
  const v: string[] = [];
  if (!isObject(body)) return ['body is not an object'];
  if (body.messaging_product !== 'whatsapp') v.push('messaging_product must be "whatsapp"');
  if (body.status === 'read') {
    checkText(v, 'message_id', body.message_id, Infinity);
    return v;
  }
  // Meta lets `to` win when both are present: a BSUID-only customer needs `recipient` alone.
  if (body.to !== undefined && body.recipient !== undefined) v.push('send either `to` (phone) or `recipient` (BSUID), not both');
  else if (body.recipient !== undefined) checkText(v, 'recipient', body.recipient, Infinity);
  else checkText(v, 'to', body.to, Infinity);
  switch (body.type) {
    case 'text':
      checkText(v, 'text.body', get(body, 'text', 'body'), L.textBody);
      break;
    case 'interactive':
      checkInteractive(v, isObject(body.interactive) ? body.interactive : {});
      break;
    case 'template':
      checkTemplate(v, isObject(body.template) ? body.template : {});
      break;
    default:
      v.push(`type ${JSON.stringify(body.type)} is not one we send (text, interactive, template)`);
  }
  return v;
}

function checkInteractive(v: string[], interactive: Json): void {
  checkText(v, 'interactive.body.text', get(interactive, 'body', 'text'), L.interactiveBody);
  if (interactive.header !== undefined) checkText(v, 'interactive.header.text', get(interactive, 'header', 'text'), L.headerText);
  if (interactive.footer !== undefined) checkText(v, 'interactive.footer.text', get(interactive, 'footer', 'text'), L.footerText);
  const action = isObject(interactive.action) ? interactive.action : {};
  if (interactive.type === 'button') checkButtons(v, action);
  else if (interactive.type === 'list') checkList(v, action);
  else if (interactive.type === 'flow') checkFlow(v, action);
  else if (interactive.type === 'request_contact_info') {
    if (action.name !== 'request_contact_info') v.push('interactive.action.name must be "request_contact_info"');
  } else v.push(`interactive.type ${JSON.stringify(interactive.type)} is not button, list, flow or request_contact_info`);
}

function checkButtons(v: string[], action: Json): void {
  const buttons = asArray(action.buttons);
  checkCount(v, 'interactive.action.buttons', buttons.length, 1, L.replyButtonsMax);
  buttons.forEach((button, i) => {
    checkText(v, `buttons[${i}].reply.id`, get(button, 'reply', 'id'), L.buttonId);
    checkText(v, `buttons[${i}].reply.title`, get(button, 'reply', 'title'), L.buttonTitle);
  });
  // New docs want unique ids, older docs unique titles: keep both unique.
  checkUnique(v, 'button ids', buttons.map((b) => get(b, 'reply', 'id')));
  checkUnique(v, 'button titles', buttons.map((b) => get(b, 'reply', 'title')));
}

function checkList(v: string[], action: Json): void {
  checkText(v, 'interactive.action.button', action.button, L.listButtonLabel);
  const sections = asArray(action.sections);
  checkCount(v, 'interactive.action.sections', sections.length, 1, L.listSectionsMax);
  const rows = sections.flatMap((s) => asArray(get(s, 'rows')));
  checkCount(v, 'list rows (all sections)', rows.length, 1, L.listRowsMax);
  sections.forEach((section, i) => {
    const title = get(section, 'title');
    if (title !== undefined || sections.length > 1) checkText(v, `sections[${i}].title`, title, L.listSectionTitle);
    if (asArray(get(section, 'rows')).length === 0) v.push(`sections[${i}] has no rows`);
  });
  rows.forEach((row, i) => {
    checkText(v, `rows[${i}].id`, get(row, 'id'), L.listRowId);
    checkText(v, `rows[${i}].title`, get(row, 'title'), L.listRowTitle);
    const description = get(row, 'description');
    if (description !== undefined) checkText(v, `rows[${i}].description`, description, L.listRowDescription);
  });
  checkUnique(v, 'row ids', rows.map((r) => get(r, 'id')));
}

function checkFlow(v: string[], action: Json): void {
  if (action.name !== 'flow') v.push('interactive.action.name must be "flow"');
  const p = isObject(action.parameters) ? action.parameters : {};
  if (p.flow_message_version !== '3') v.push('flow_message_version must be "3"');
  if ((p.flow_id === undefined) === (p.flow_name === undefined)) v.push('exactly one of flow_id or flow_name is required');
  checkText(v, 'flow_cta', p.flow_cta, L.flowCta);
  if (p.flow_action !== undefined && p.flow_action !== 'navigate' && p.flow_action !== 'data_exchange') v.push('flow_action must be navigate or data_exchange');
  if (p.flow_action_payload !== undefined) {
    if (p.flow_action === 'data_exchange') v.push('flow_action_payload is only allowed with flow_action "navigate"');
    const data = get(p.flow_action_payload, 'data');
    if (data !== undefined && (!isObject(data) || Object.keys(data).length === 0)) v.push('flow_action_payload.data must be a non-empty object');
  }
}

function checkTemplate(v: string[], template: Json): void {
  checkText(v, 'template.name', template.name, Infinity);
  checkText(v, 'template.language.code', get(template, 'language', 'code'), Infinity);
  asArray(template.components).forEach((component, i) => {
    asArray(get(component, 'parameters')).forEach((parameter, j) => {
      const text = get(parameter, 'text');
      if (get(parameter, 'type') !== 'text') return;
      checkText(v, `components[${i}].parameters[${j}].text`, text, Infinity);
      if (typeof text === 'string' && /[\r\n\t]/.test(text)) v.push(`components[${i}].parameters[${j}].text has a new line or tab`);
      if (typeof text === 'string' && text.includes(' '.repeat(TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES + 1))) {
        v.push(`components[${i}].parameters[${j}].text has more than ${TEMPLATE_PARAM_MAX_CONSECUTIVE_SPACES} consecutive spaces`);
      }
    });
  });
}

function checkText(v: string[], path: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') v.push(`${path} is required`);
  else if (measureText(value) > max) v.push(`${path} is ${measureText(value)} characters, max ${max}`);
}

function checkCount(v: string[], path: string, count: number, min: number, max: number): void {
  if (count < min || count > max) v.push(`${path}: ${count} items, allowed ${min}–${max}`);
}

function checkUnique(v: string[], what: string, values: unknown[]): void {
  const duplicates = values.filter((value, i) => values.indexOf(value) !== i);
  if (duplicates.length > 0) v.push(`${what} must be unique: ${JSON.stringify(duplicates)} repeated`);
}

function get(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
