/** Answers the settings pages share: 404 for ids outside the user's business, the status of a refusal. */
import type { Response } from 'express';
import type { OperationOutcome } from '../../../api';
import { createTranslate } from '../../i18n';
import { renderMessagePage } from '../../views/message-page';
import { consoleUserOf } from '../console-session';

/** 404 page: the id is not one of the business (or not an id at all). */
export function sendSettingsNotFound(res: Response): void {
  const t = createTranslate(consoleUserOf(res).locale);
  res.status(404).type('html').send(renderMessagePage({ t, title: '404', message: t('error.notFound'), status: 404 }));
}

/** The page's status for a refused operation: invalid input is 422 (the form is shown again), the rest as the API says. */
export function statusOfRefusal(outcome: OperationOutcome): number {
  if (outcome.ok) return 200;
  return outcome.status === 400 ? 422 : outcome.status;
}
