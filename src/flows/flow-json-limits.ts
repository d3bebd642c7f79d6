/**
 * Limits of Flow JSON that can be checked offline, each with its source. "Notes" is
 * /work/shared/notes/WHATSAPP.md (compiled from Meta's Flow JSON, Components and Error-codes pages);
 * "Error codes" is Meta's page https://developers.facebook.com/docs/whatsapp/flows/reference/error-codes;
 * "Client constants" is the WAFlowJSONConstants module of WhatsApp's web Flows client.
 */

/** Flow JSON versions a published Flow may still be sent with (Notes §3.1, changelog 2026). */
export const SENDABLE_FLOW_JSON_VERSIONS: readonly string[] = [
  '2.1', '3.0', '3.1', '4.0', '5.0', '5.1', '6.0', '6.1', '6.2', '6.3', '7.0', '7.1', '7.2', '7.3',
];

/** Flow JSON versions Meta still accepts for publishing (Notes §3.1: 2.1–5.0 are frozen). */
export const PUBLISHABLE_FLOW_JSON_VERSIONS: readonly string[] = [
  '5.1', '6.0', '6.1', '6.2', '6.3', '7.0', '7.1', '7.2', '7.3',
];

/** Data API versions (Notes §3.1: 3.0 still valid, 4.0 recommended). */
export const DATA_API_VERSIONS: readonly string[] = ['3.0', '4.0'];

/** Max screens per Flow (Error codes: MAX_SCREENS_NUMBER). */
export const MAX_SCREENS = 100;

/** Max components per screen (Notes §3.7, Components page; pywa's Screen docs agree). */
export const MAX_COMPONENTS_PER_SCREEN = 50;

/** Max outgoing routes per screen (Error codes: INVALID_ROUTING_MODEL "max limit of 10"). */
export const MAX_ROUTING_BRANCHES = 10;

/**
 * Max instances of a component per screen, counted along one rendering path of If/Switch
 * (Error codes: MAX_*_PER_SCREEN, MORE_THAN_ONE_FOOTER; Client constants SCREEN_COMPONENT_MAX_COUNT).
 */
export const MAX_PER_SCREEN: Readonly<Record<string, number>> = {
  Footer: 1,
  EmbeddedLink: 2,
  Image: 3,
  OptIn: 5,
  PhotoPicker: 1,
  DocumentPicker: 1,
  NavigationList: 2,
  ImageCarousel: 2,
};

/** From Flow JSON 7.0 a screen holds at most one Form (Client constants SCREEN_COMPONENT_MAX_COUNT_V700). */
export const MAX_FORMS_PER_SCREEN_FROM_7_0 = 1;

/** Max characters of static text properties per component (Notes §3.7, Meta Components page). */
export const TEXT_LIMITS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  TextHeading: { text: 80 },
  TextSubheading: { text: 80 },
  TextBody: { text: 4096 },
  TextCaption: { text: 409 },
  TextInput: { label: 20, 'helper-text': 80, 'error-message': 30 },
  TextArea: { label: 20, 'helper-text': 80 },
  Dropdown: { label: 20 },
  RadioButtonsGroup: { label: 30, description: 300 },
  CheckboxGroup: { label: 30, description: 300 },
  ChipsSelector: { label: 80, description: 300 },
  DatePicker: { label: 40, 'helper-text': 80, 'error-message': 80 },
  CalendarPicker: { label: 40, title: 80, description: 300, 'helper-text': 80, 'error-message': 80 },
  // Footer label: Meta says 35, a third-party table says 30 (Notes §8.11); Meta's number is enforced.
  Footer: { label: 35, 'left-caption': 15, 'right-caption': 15, 'center-caption': 15 },
  OptIn: { label: 120 },
  // EmbeddedLink text (25 per Notes §3.7) is not enforced: Meta's own 2.1 sign-in example uses 30 characters.
};

/** Option counts and option text limits of selection components (Notes §3.7, Meta Components page). */
export const OPTION_LIMITS: Readonly<
  Record<string, { min: number; max: number; title?: number; description?: number; metadata?: number }>
> = {
  Dropdown: { min: 1, max: 200, title: 30, description: 300, metadata: 20 },
  RadioButtonsGroup: { min: 1, max: 20, title: 30, description: 300, metadata: 20 },
  CheckboxGroup: { min: 1, max: 20, title: 30, description: 300, metadata: 20 },
  ChipsSelector: { min: 2, max: 20 },
};

/** NavigationList holds 1–20 items and may not be on a terminal screen (Notes §3.7). */
export const NAVIGATION_LIST_ITEMS = { min: 1, max: 20 } as const;

/** Components whose value the user enters; they may not sit outside a Form when one exists (Error codes). */
export const INPUT_COMPONENTS: ReadonlySet<string> = new Set([
  'TextInput', 'TextArea', 'CheckboxGroup', 'RadioButtonsGroup', 'OptIn', 'Dropdown', 'DatePicker',
  'CalendarPicker', 'ChipsSelector', 'PhotoPicker', 'DocumentPicker',
]);

/** Components with a min/max pair that must not be inverted (Error codes: MIN_VALUE_GREATER_THAN_MAX). */
export const MIN_MAX_PROPERTIES: Readonly<Record<string, readonly [string, string]>> = {
  TextInput: ['min-chars', 'max-chars'],
  CheckboxGroup: ['min-selected-items', 'max-selected-items'],
  ChipsSelector: ['min-selected-items', 'max-selected-items'],
  PhotoPicker: ['min-uploaded-photos', 'max-uploaded-photos'],
  DocumentPicker: ['min-uploaded-documents', 'max-uploaded-documents'],
};

/** Actions each trigger may carry (Notes §3.5; Error codes: complete only on Footer). */
export const ALLOWED_SELECT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  DatePicker: ['data_exchange'],
  CalendarPicker: ['data_exchange'],
};

/** Every action name Flow JSON knows (Notes §3.5). */
export const ACTION_NAMES: ReadonlySet<string> = new Set(['navigate', 'data_exchange', 'complete', 'update_data', 'open_url']);
