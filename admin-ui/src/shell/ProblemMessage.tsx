import { ApiProblem } from '../api/problem';
import { useI18n } from '../i18n/i18n';

/** Shows a failure to the user: the API's own title and detail, announced to screen readers. */
export function ProblemMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) {
    return null;
  }
  const title = error instanceof ApiProblem ? error.title : t('app.error');
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="problem">
      <strong>{title}</strong>
      {detail && detail !== title && <p>{detail}</p>}
    </div>
  );
}
