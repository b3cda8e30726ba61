import { useI18n } from '../../i18n/i18n';
import { Placeholder } from '../../shell/Page';

export default function ApiKeysPage() {
  const { t } = useI18n();
  return <Placeholder title={t('nav.apiKeys')} />;
}
