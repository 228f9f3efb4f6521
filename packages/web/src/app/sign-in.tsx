/** Sign-in: locally, one of the seeded people; with Cognito, the city's accounts through the hosted UI. */
import { useEffect, useState } from 'preact/hooks';
import type { MessageKey } from '../messages';
import { cognitoSignIn, type DevPerson, devPeople, signInAs, signInFailed } from './auth';
import type { AppContext } from './context';
import { t } from './i18n';
import { useSignal } from './state';

export function SignInPage({ ctx, notice }: { ctx: AppContext; notice?: string }) {
  const [people, setPeople] = useState<DevPerson[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const local = ctx.config.auth.mode === 'local';
  const failed = useSignal(signInFailed);

  useEffect(() => {
    if (!local) return;
    devPeople(ctx.config).then(setPeople, () => setError(t('error.offline')));
  }, []);

  const choose = async (id: string) => {
    setError(undefined);
    try {
      await signInAs(ctx.config, id);
    } catch {
      setError(t('error.offline'));
    }
  };

  return (
    <main class="page">
      <h1>{t('signIn.title')}</h1>
      {notice && <p class="notice warn">{notice}</p>}
      {failed && (
        <p class="notice error" role="alert" data-testid="sign-in-failed">
          {t('signIn.failed')}
        </p>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {local ? (
        <>
          <p>{t('signIn.local')}</p>
          <ul class="people">
            {(people ?? []).map((p) => (
              <li key={p.id}>
                <button type="button" class="person" data-person={p.id} onClick={() => void choose(p.id)}>
                  <strong>{p.name}</strong>
                  <span>
                    {t(`role.${p.role}` as MessageKey)} · {p.id}
                    {!p.active && <em> · {t('signIn.inactive')}</em>}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <button
          type="button"
          class="primary"
          onClick={() => cognitoSignIn(ctx.config) || setError(t('signIn.cognitoMissing'))}
        >
          {t('signIn.cognito')}
        </button>
      )}
    </main>
  );
}

export function DeactivatedPage({ personId, onSignOut }: { personId: string; onSignOut: () => void }) {
  return (
    <main class="page">
      <h1>{t('deactivated.title')}</h1>
      <p class="notice error" role="alert" data-testid="deactivated">
        {t('deactivated.body', { id: personId })}
      </p>
      <button type="button" onClick={onSignOut}>
        {t('nav.signOut')}
      </button>
    </main>
  );
}
