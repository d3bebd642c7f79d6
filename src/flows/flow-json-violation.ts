/** The shape of one Flow JSON problem found offline. */

/** Names of the rules the offline checker enforces (see flows/README.md for what each means). */
export type FlowJsonRule =
  | 'json-shape'
  | 'version'
  | 'data-api-version'
  | 'top-level-keys'
  | 'screen-count'
  | 'screen-id'
  | 'screen-keys'
  | 'data-model'
  | 'routing-model'
  | 'navigate-target'
  | 'navigate-route'
  | 'navigate-payload'
  | 'connectivity'
  | 'terminal-screen'
  | 'terminal-footer'
  | 'success-flag'
  | 'complete-action'
  | 'action'
  | 'data-exchange-endpoint'
  | 'data-binding'
  | 'form-binding'
  | 'footer-count'
  | 'footer-branches'
  | 'component-count'
  | 'component-max-per-screen'
  | 'text-length'
  | 'options-count'
  | 'option-length'
  | 'form-placement'
  | 'duplicate-name'
  | 'min-max'
  | 'refresh-on-back'
  | 'navigation-list';

/** One violation: which rule, where (a path like `screens[2].layout.children[0].label`) and what to fix. */
export type FlowJsonViolation = { rule: FlowJsonRule; path: string; message: string };

/** Records one violation; each check calls it for every problem it finds. */
export type FlowJsonReport = (rule: FlowJsonRule, path: string, message: string) => void;
