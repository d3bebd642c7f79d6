/**
 * The client-side checks WhatsApp makes before a Footer may run its action: required inputs,
 * TextInput length and input type, TextArea length, CheckboxGroup selection counts, and dates
 * inside min/max, on an included weekday and not unavailable. Returns one message per input name.
 */
import { readOptions, type RenderedComponent, type ScreenModel } from './render-screen';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const INPUT_PATTERNS: Record<string, { pattern: RegExp; message: string }> = {
  email: { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, message: 'Enter a valid email address' },
  number: { pattern: /^-?\d+([.,]\d+)?$/, message: 'Enter a number' },
  phone: { pattern: /^\+?[\d\s()-]{5,}$/, message: 'Enter a valid phone number' },
  passcode: { pattern: /^\d+$/, message: 'Enter digits only' },
};

/** Error text per input name; empty when the Footer may proceed. */
export function validateForm(model: ScreenModel, form: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const component of model.components) {
    if (!component.name) continue;
    const problem = validateInput(component, form[component.name]);
    if (problem) errors[component.name] = problem;
  }
  return errors;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === false || (Array.isArray(value) && value.length === 0);
}

function validateInput(component: RenderedComponent, value: unknown): string | undefined {
  const props = component.props;
  if (props.required === true && isEmpty(value)) return 'Required';
  if (isEmpty(value)) return undefined;
  switch (component.type) {
    case 'TextInput': {
      const text = String(value);
      const length = [...text].length;
      if (typeof props['min-chars'] === 'number' && length < props['min-chars']) return `Enter at least ${props['min-chars']} characters`;
      if (typeof props['max-chars'] === 'number' && length > props['max-chars']) return `Enter at most ${props['max-chars']} characters`;
      const pattern = INPUT_PATTERNS[String(props['input-type'] ?? 'text')];
      if (pattern && !pattern.pattern.test(text)) return pattern.message;
      if (typeof props.pattern === 'string' && !new RegExp(props.pattern).test(text)) return typeof props['helper-text'] === 'string' ? props['helper-text'] : 'Invalid format';
      return undefined;
    }
    case 'TextArea':
      return typeof props['max-length'] === 'number' && [...String(value)].length > props['max-length'] ? `Enter at most ${props['max-length']} characters` : undefined;
    case 'CheckboxGroup':
    case 'ChipsSelector': {
      const count = Array.isArray(value) ? value.length : 1;
      if (typeof props['min-selected-items'] === 'number' && count < props['min-selected-items']) return `Select at least ${props['min-selected-items']}`;
      if (typeof props['max-selected-items'] === 'number' && count > props['max-selected-items']) return `Select at most ${props['max-selected-items']}`;
      return undefined;
    }
    case 'RadioButtonsGroup':
    case 'Dropdown':
      return readOptions(component).some((option) => option.id === value) ? undefined : 'Choose one of the options';
    case 'DatePicker':
    case 'CalendarPicker':
      return validateDate(props, String(value));
    default:
      return undefined;
  }
}

/** YYYY-MM-DD of a picker value (Flow JSON ≥ 5.0 strings; older DatePickers used epoch milliseconds). */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{10,}$/.test(value))) return new Date(Number(value)).toISOString().slice(0, 10);
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined;
}

/** Whether the picker lets this day be chosen (min/max, include-days, unavailable-dates). */
export function isSelectableDate(props: Record<string, unknown>, day: string): boolean {
  const min = toIsoDate(props['min-date']);
  const max = toIsoDate(props['max-date']);
  if (min && day < min) return false;
  if (max && day > max) return false;
  const unavailable = Array.isArray(props['unavailable-dates']) ? props['unavailable-dates'].map(toIsoDate) : [];
  if (unavailable.includes(day)) return false;
  if (Array.isArray(props['include-days'])) {
    const weekday = WEEKDAYS[new Date(`${day}T12:00:00Z`).getUTCDay()]!;
    if (!props['include-days'].includes(weekday)) return false;
  }
  return true;
}

function validateDate(props: Record<string, unknown>, value: string): string | undefined {
  const day = toIsoDate(value);
  if (!day) return 'Choose a date';
  return isSelectableDate(props, day) ? undefined : 'This date is not available';
}
