/** The sign-in page. */
import type { Translate } from '../i18n';
import { Head } from './layout';

/** Renders the sign-in form with its double-submit token and an optional error. */
export function renderSignInPage(props: { t: Translate; formToken: string; email?: string; error?: string; next?: string }): string {
  const { t } = props;
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <Head title={`${t('signIn.title')} · ${t('app.name')}`} />
        <body>
          <main id="content" class="narrow">
            <h1>{t('app.name')}</h1>
            <form method="post" action="/admin/sign-in" class="stack">
              <h2>{t('signIn.title')}</h2>
              {props.error ? (
                <p class="error" role="alert" safe>
                  {props.error}
                </p>
              ) : (
                ''
              )}
              <input type="hidden" name="_form" value={props.formToken} />
              <input type="hidden" name="next" value={props.next ?? ''} />
              <label for="email">{t('signIn.email')}</label>
              <input id="email" name="email" type="email" autocomplete="username" required value={props.email ?? ''} />
              <label for="password">{t('signIn.password')}</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required />
              <button type="submit">{t('signIn.submit')}</button>
            </form>
          </main>
        </body>
      </html>
    )
  );
}
