/** The page frame of the console: head with our own assets, the top navigation, language and sign-out. */
import type { ConsoleUser } from '../auth/accounts';
import { canPerform } from '../auth/permissions';
import { CONSOLE_LOCALES } from '../auth/staff-user-repository';
import type { Translate } from '../i18n';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', es: 'Español', pt: 'Português' };

// htmx must not inject its indicator <style> (the CSP allows no inline style) nor eval anything.
// Refusals (403, 404, 409 slot taken, 422) carry a panel that says why: swap those too.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '40[349]', swap: true, error: false },
    { code: '422', swap: true, error: false },
    { code: '[45]..', swap: false, error: true },
  ],
});

/** The <head> every console page shares. */
export function Head(props: { title: string; scripts?: readonly string[] }): JSX.Element {
  return (
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="htmx-config" content={HTMX_CONFIG} />
      <title safe>{props.title}</title>
      <link rel="stylesheet" href="/admin/assets/console.css" />
      <script src="/admin/assets/htmx.min.js" defer></script>
      <script src="/admin/assets/console.js" defer></script>
      {(props.scripts ?? []).map((file) => (
        <script src={`/admin/assets/${file}`} defer></script>
      ))}
    </head>
  );
}

/** A signed-in page: navigation, the user's language and sign-out, then the content. */
export function Layout(props: {
  user: ConsoleUser;
  t: Translate;
  title: string;
  current: 'calendar' | 'inbox' | 'customers' | 'dashboard' | 'users' | 'settings';
  /** Shown as "(n) " before the title (conversations waiting); console.js keeps it current. */
  titleCount?: number;
  baseTitle?: string;
  /** Further scripts of this page from /admin/assets, run in order after the page is parsed. */
  scripts?: readonly string[];
  children?: JSX.Element | JSX.Element[];
}): string {
  const { user, t } = props;
  const baseTitle = props.baseTitle ?? `${props.title} · ${user.businessName}`;
  return (
    '<!doctype html>' +
    (
      <html lang={user.locale}>
        <Head title={props.titleCount ? `(${props.titleCount}) ${baseTitle}` : baseTitle} scripts={props.scripts} />
        <body hx-headers={JSON.stringify({ 'X-CSRF-Token': user.csrfToken })} data-title={baseTitle}>
          <a class="skip" href="#content">
            {t('nav.skip')}
          </a>
          <header class="top">
            <span class="brand" safe>
              {user.businessName}
            </span>
            <nav aria-label="Console">
              <a href="/admin/calendar" aria-current={props.current === 'calendar' ? 'page' : undefined}>
                {t('nav.calendar')}
              </a>
              <a href="/admin/inbox" aria-current={props.current === 'inbox' ? 'page' : undefined}>
                {t('nav.inbox')}
              </a>
              <a href="/admin/customers" aria-current={props.current === 'customers' ? 'page' : undefined}>
                {t('nav.customers')}
              </a>
              <a href="/admin/dashboard" aria-current={props.current === 'dashboard' ? 'page' : undefined}>
                {t('nav.dashboard')}
              </a>
              {/* Settings (admins): one entry; the settings pages carry their own section navigation. */}
              {canPerform(user.role, 'manage_settings') ? (
                <a href="/admin/settings" aria-current={props.current === 'users' || props.current === 'settings' ? 'page' : undefined}>
                  {t('nav.settings')}
                </a>
              ) : (
                ''
              )}
              {canPerform(user.role, 'manage_settings') ? (
                <a href="/simulator">{t('nav.simulator')}</a>
              ) : (
                ''
              )}
            </nav>
            <form class="inline" method="post" action="/admin/account/language">
              <input type="hidden" name="_csrf" value={user.csrfToken} />
              <label for="language">{t('nav.language')}</label>
              <select id="language" name="locale">
                {CONSOLE_LOCALES.map((locale) => (
                  <option value={locale} selected={locale === user.locale}>
                    {LANGUAGE_NAMES[locale]}
                  </option>
                ))}
              </select>
              <button type="submit">{t('nav.save')}</button>
            </form>
            <form class="inline" method="post" action="/admin/sign-out">
              <input type="hidden" name="_csrf" value={user.csrfToken} />
              <span class="who" safe>
                {user.email}
              </span>
              <button type="submit">{t('nav.signOut')}</button>
            </form>
          </header>
          <main id="content">{props.children as 'safe'}</main>
        </body>
      </html>
    )
  );
}
