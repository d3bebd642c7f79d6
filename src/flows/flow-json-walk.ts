/**
 * Traversal helpers over a Flow JSON screen layout: components (through Form, If and Switch),
 * actions anywhere in the layout, and every `${...}` binding in its strings.
 */

/** A JSON object as found in Flow JSON. */
export type JsonObject = Record<string, unknown>;

/** One component met while walking a layout. */
export type ComponentVisit = { component: JsonObject; path: string; isInsideForm: boolean };

/** One action (`on-click-action`, `on-select-action`, `on-unselect-action`) found in a layout. */
export type ActionVisit = { action: JsonObject; trigger: string; ownerType: string; path: string };

/** One `${...}` binding found in a string of the layout. */
export type BindingVisit = { expression: string; path: string };

const ACTION_KEYS = ['on-click-action', 'on-select-action', 'on-unselect-action'];
const BINDING_PATTERN = /\$\{([^}]*)\}/g;

/** True for a plain JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Branches of a container component: Form children, If then/else, Switch cases. */
export function listBranches(component: JsonObject, path: string): Array<{ children: unknown; path: string }> {
  switch (component.type) {
    case 'Form':
      return [{ children: component.children, path: `${path}.children` }];
    case 'If':
      return [
        { children: component.then, path: `${path}.then` },
        { children: component.else, path: `${path}.else` },
      ];
    case 'Switch':
      return isJsonObject(component.cases)
        ? Object.entries(component.cases).map(([key, children]) => ({ children, path: `${path}.cases.${key}` }))
        : [];
    default:
      return [];
  }
}

/** Calls visit for every component of a children array, depth first, entering Form/If/Switch. */
export function walkComponents(
  children: unknown,
  path: string,
  visit: (visitItem: ComponentVisit) => void,
  isInsideForm = false,
): void {
  if (!Array.isArray(children)) return;
  children.forEach((child, index) => {
    if (!isJsonObject(child)) return;
    const childPath = `${path}[${index}]`;
    visit({ component: child, path: childPath, isInsideForm });
    for (const branch of listBranches(child, childPath)) {
      walkComponents(branch.children, branch.path, visit, isInsideForm || child.type === 'Form');
    }
  });
}

/**
 * Most components matching `isCounted` the user can see at once: siblings add up, If/Switch
 * branches are alternatives (Meta counts Footers "considering all branches of if and switch").
 */
export function countAlongOnePath(children: unknown, isCounted: (component: JsonObject) => boolean): number {
  if (!Array.isArray(children)) return 0;
  let total = 0;
  for (const child of children) {
    if (!isJsonObject(child)) continue;
    if (isCounted(child)) total += 1;
    const branchCounts = listBranches(child, '').map((branch) => countAlongOnePath(branch.children, isCounted));
    if (child.type === 'Form') total += branchCounts[0] ?? 0;
    else if (branchCounts.length > 0) total += Math.max(...branchCounts);
  }
  return total;
}

/** Every action object in a layout, with the type of the component that owns it. */
export function collectActions(layout: unknown, path: string): ActionVisit[] {
  const found: ActionVisit[] = [];
  const visit = (value: unknown, valuePath: string, ownerType: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${valuePath}[${index}]`, ownerType));
      return;
    }
    if (!isJsonObject(value)) return;
    // `next: { type: 'screen' }` is not a component; everything else with a type is.
    const owner = typeof value.type === 'string' && value.type !== 'screen' ? value.type : ownerType;
    for (const [key, child] of Object.entries(value)) {
      const childPath = `${valuePath}.${key}`;
      if (ACTION_KEYS.includes(key) && isJsonObject(child)) {
        found.push({ action: child, trigger: key, ownerType: owner, path: childPath });
      }
      visit(child, childPath, owner);
    }
  };
  visit(layout, path, 'layout');
  return found;
}

/** Every `${...}` binding in the strings (values and keys excluded) of a value. */
export function collectBindings(value: unknown, path: string): BindingVisit[] {
  const found: BindingVisit[] = [];
  const visit = (item: unknown, itemPath: string): void => {
    if (typeof item === 'string') {
      for (const match of item.matchAll(BINDING_PATTERN)) found.push({ expression: (match[1] ?? '').trim(), path: itemPath });
    } else if (Array.isArray(item)) {
      item.forEach((entry, index) => visit(entry, `${itemPath}[${index}]`));
    } else if (isJsonObject(item)) {
      for (const [key, child] of Object.entries(item)) visit(child, `${itemPath}.${key}`);
    }
  };
  visit(value, path);
  return found;
}

/** True when a property value is bound to data (`${...}`) rather than a literal, so its length is unknown offline. */
export function isDynamic(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}
