/**
 * Component checks of Flow JSON, one screen at a time: what Meta documents for each component
 * (text lengths, option counts, min/max pairs, form placement, unique names, per-screen maxima).
 */
import {
  INPUT_COMPONENTS,
  MAX_COMPONENTS_PER_SCREEN,
  MAX_FORMS_PER_SCREEN_FROM_7_0,
  MAX_PER_SCREEN,
  MIN_MAX_PROPERTIES,
  NAVIGATION_LIST_ITEMS,
  OPTION_LIMITS,
  TEXT_LIMITS,
} from './flow-json-limits';
import type { FlowJsonReport as Report } from './flow-json-violation';
import { countAlongOnePath, isDynamic, isJsonObject, walkComponents, type JsonObject } from './flow-json-walk';

/** Checks every component of one screen: counts, text lengths, options, min/max, form placement, names, footers. */
export function checkComponents(info: { id: string; index: number; screen: JsonObject }, version: number, report: Report): void {
  const { screen, index, id } = info;
  const children = isJsonObject(screen.layout) ? screen.layout.children : undefined;
  const path = `screens[${index}].layout`;
  const screenLabel = `screen "${id}"`;

  let componentCount = 0;
  const names = new Map<string, string>();
  const hasForm = Array.isArray(children) && JSON.stringify(children).includes('"type":"Form"');
  walkComponents(children, `${path}.children`, ({ component, path: componentPath, isInsideForm }) => {
    const type = String(component.type);
    if (!['Form', 'If', 'Switch'].includes(type)) componentCount += 1;
    checkTextLengths(type, component, componentPath, report);
    checkOptions(type, component, componentPath, report);
    checkMinMax(type, component, componentPath, report);
    if (INPUT_COMPONENTS.has(type) && !isInsideForm) {
      if (hasForm) {
        report('form-placement', componentPath, `${type} sits outside the Form of ${screenLabel}; when a Form exists every input must be inside it.`);
      } else if (version > 0 && version < 400) {
        report('form-placement', componentPath, `${type} must be inside a Form before Flow JSON 4.0.`);
      }
    }
    if (type !== 'Form' && typeof component.name === 'string') {
      if (names.has(component.name)) {
        report('duplicate-name', `${componentPath}.name`, `Name "${component.name}" is used twice on ${screenLabel} (also at ${names.get(component.name)}).`);
      } else {
        names.set(component.name, componentPath);
      }
    }
    if (type === 'NavigationList' && screen.terminal === true) {
      report('navigation-list', componentPath, 'NavigationList may not be used on a terminal screen.');
    }
    if (type === 'If' || type === 'Switch') checkFooterBranches(component, componentPath, report);
  });

  if (componentCount > MAX_COMPONENTS_PER_SCREEN) {
    report('component-count', `${path}.children`, `${screenLabel} has ${componentCount} components; the maximum is ${MAX_COMPONENTS_PER_SCREEN}.`);
  }
  const maxima: Record<string, number> = { ...MAX_PER_SCREEN, ...(version >= 700 ? { Form: MAX_FORMS_PER_SCREEN_FROM_7_0 } : {}) };
  for (const [type, max] of Object.entries(maxima)) {
    const count = countAlongOnePath(children, (component) => component.type === type);
    if (count > max) {
      report(type === 'Footer' ? 'footer-count' : 'component-max-per-screen', `${path}.children`, `${screenLabel} shows ${count} ${type} components at once; at most ${max} allowed.`);
    }
  }
}

function checkFooterBranches(component: JsonObject, path: string, report: Report): void {
  const hasFooter = (branch: unknown): boolean => countAlongOnePath(branch, (child) => child.type === 'Footer') > 0;
  const branches = component.type === 'If'
    ? [component.then, component.else]
    : Object.values(isJsonObject(component.cases) ? component.cases : {});
  const withFooter = branches.filter(hasFooter).length;
  if (withFooter > 0 && withFooter < branches.length) {
    report('footer-branches', path, `A Footer inside ${String(component.type)} must appear in every branch${component.type === 'If' ? ' (then and else)' : ''}.`);
  }
}

function checkTextLengths(type: string, component: JsonObject, path: string, report: Report): void {
  for (const [property, max] of Object.entries(TEXT_LIMITS[type] ?? {})) {
    const value = component[property];
    if (typeof value !== 'string' || isDynamic(value)) continue;
    const length = [...value].length;
    if (length > max) {
      report('text-length', `${path}.${property}`, `${type} ${property} is ${length} characters; the maximum is ${max}.`);
    }
  }
}

function checkOptions(type: string, component: JsonObject, path: string, report: Report): void {
  const limits = OPTION_LIMITS[type];
  if (type === 'NavigationList' && Array.isArray(component['list-items'])) {
    const count = component['list-items'].length;
    if (count < NAVIGATION_LIST_ITEMS.min || count > NAVIGATION_LIST_ITEMS.max) {
      report('options-count', `${path}.list-items`, `NavigationList has ${count} items; it needs ${NAVIGATION_LIST_ITEMS.min}–${NAVIGATION_LIST_ITEMS.max}.`);
    }
  }
  const options = component['data-source'];
  if (!limits || !Array.isArray(options)) return;
  if (options.length < limits.min || options.length > limits.max) {
    report('options-count', `${path}.data-source`, `${type} has ${options.length} options; it needs ${limits.min}–${limits.max}.`);
  }
  options.forEach((option, optionIndex) => {
    if (!isJsonObject(option)) return;
    for (const property of ['title', 'description', 'metadata'] as const) {
      const max = limits[property];
      const value = option[property];
      if (max === undefined || typeof value !== 'string' || isDynamic(value)) continue;
      if ([...value].length > max) {
        report('option-length', `${path}.data-source[${optionIndex}].${property}`, `${type} option ${property} is ${[...value].length} characters; the maximum is ${max}.`);
      }
    }
  });
}

function checkMinMax(type: string, component: JsonObject, path: string, report: Report): void {
  const pair = MIN_MAX_PROPERTIES[type];
  if (!pair) return;
  const [minKey, maxKey] = pair;
  const min = component[minKey];
  const max = component[maxKey];
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    report('min-max', `${path}.${minKey}`, `${minKey} (${min}) is greater than ${maxKey} (${max}).`);
  }
}
