/** A small page that only says something (an error, a refusal). */
import type { Translate } from '../i18n';
import { Head } from './layout';

/** Renders a standalone message page. */
export function renderMessagePage(props: { t: Translate; title: string; message: string; status: number }): string {
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <Head title={props.title} />
        <body>
          <main id="content" class="narrow">
            <h1 safe>{props.title}</h1>
            <p role="alert" safe>
              {props.message}
            </p>
            <p>
              <a href="/admin">{props.t('app.name')}</a>
            </p>
          </main>
        </body>
      </html>
    )
  );
}
