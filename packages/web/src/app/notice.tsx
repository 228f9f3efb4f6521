/** How a page says that something failed or is still on its way, the same on every page. */
import { t } from './i18n';

/** A failure in words, announced to screen readers, with a button to try again where there is one. */
export function Problem({ text, reload }: { text: string | undefined; reload?: () => void }) {
  if (!text) return null;
  return (
    <p class="notice error" role="alert">
      {text}
      {reload && (
        <>
          {' '}
          <button type="button" onClick={reload}>
            {t('error.reload')}
          </button>
        </>
      )}
    </p>
  );
}

/**
 * Where a list stands: its failure, "loading" until the first answer (`loaded`), and `empty` (the
 * words for an empty list) when the caller says the list is empty.
 */
export function LoadStatus({
  error,
  loaded,
  empty,
  reload,
}: {
  error: string | undefined;
  loaded: boolean;
  empty?: string | false | undefined;
  reload?: () => void;
}) {
  return (
    <>
      <Problem text={error} {...(reload ? { reload } : {})} />
      {!loaded && !error && <p>{t('app.loading')}</p>}
      {empty && <p class="empty">{empty}</p>}
    </>
  );
}
