import { useAuth } from '../../auth/auth';
import { useI18n } from '../../i18n/i18n';
import { Page } from '../../shell/Page';

export default function DashboardPage() {
  const { t } = useI18n();
  const { me } = useAuth();
  return (
    <Page title={t('nav.dashboard')}>
      <p>{t('dashboard.welcome')}</p>
      {me && <p className="muted">{t('app.signedInAs', { actor: me.actorId, role: t(`role.${me.role}`) })}</p>}
    </Page>
  );
}
