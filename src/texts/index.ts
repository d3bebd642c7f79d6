/** Customer-facing texts and formats per language: a leaf every component may use. */

// The language, for everyone.
export { LOCALES, normalizeLocale, type Locale } from './locale';

// The bot's chat messages (conversation renders machine descriptors with them).
export { CATALOGS, findCatalogText, isCatalogKey, listPlaceholders, type Catalog, type CatalogKey } from './catalog';

// Days, times and zones in chat messages (conversation, reminders, customer and staff notices).
export { formatDateTime, formatDayLabel, formatDayTimeLabel, formatTimeLabel, formatZoneLabel } from './format-time';

// Fixed labels of reminders, rating prompts and staff alerts (reminders).
export { findLabels, type ReminderLabels } from './reminder-labels';

// The booking Flow's screens and the message that opens it (flows).
export { FLOW_TEXTS, fillText, type FlowTexts } from './flow-texts';
export { formatFlowDay, formatFlowDuration, formatFlowPrice, formatFlowTime, formatFlowZone, shortenText } from './flow-format';
