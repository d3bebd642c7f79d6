/** The search box of the inbox and the customers page: one GET form, found by its label. */
import type { Translate } from '../i18n';

/** A search form posting `q` to `action` (name, phone or @username). */
export function SearchForm(props: { t: Translate; action: string; id: string; value?: string }): JSX.Element {
  return (
    <form class="inline" method="get" action={props.action} role="search">
      <label for={props.id}>{props.t('inbox.search')}</label>
      <input id={props.id} name="q" type="search" value={props.value ?? ''} />
      <button type="submit" class="secondary">
        {props.t('inbox.searchButton')}
      </button>
    </form>
  );
}
