import { useI18n } from '../../i18n/i18n';
import { textFor, type Finding, type Report } from './marketApi';

const SECTIONS = ['signature', 'manifest', 'verifier', 'compatibility', 'permissions', 'limits', 'smoke-install'] as const;
const MARKS: Record<string, string> = { passed: '✓', warning: '!', failed: '✗', skipped: '–' };

function findingText(finding: Finding): string {
  return Object.entries(finding)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' · ');
}

/**
 * The automated review's report, one section per check in the order they run, each with its outcome in words and a
 * mark (never colour alone), its summary and its findings.
 */
export function ReportView({ report }: { report: Report | null }) {
  const { t, language } = useI18n();
  if (!report) {
    return <p className="muted" role="status">{t('developer.report.pending')}</p>;
  }
  const ordered = [...report.sections].sort(
    (a, b) => SECTIONS.indexOf(a.name as (typeof SECTIONS)[number]) - SECTIONS.indexOf(b.name as (typeof SECTIONS)[number]),
  );
  return (
    <div className="dev-report">
      <p className={`dev-outcome dev-outcome-${report.outcome}`}>
        {t('developer.report.outcome')}: <strong>{textFor(t, 'developer.report.', report.outcome)}</strong>
        {report.durationMillis !== undefined && (
          <span className="muted"> · {new Intl.NumberFormat(language, { style: 'unit', unit: 'millisecond' }).format(report.durationMillis)}</span>
        )}
      </p>
      <ol className="dev-checks" aria-label={t('developer.report.checks')}>
        {ordered.map((section) => {
          const label = (SECTIONS as readonly string[]).includes(section.name)
            ? textFor(t, 'developer.check.', section.name) : section.name;
          return (
            <li key={section.name} className={`dev-check dev-check-${section.outcome}`}>
              <div className="dev-check-head">
                <span className="dev-mark" aria-hidden="true">{MARKS[section.outcome] ?? '?'}</span>
                <strong>{label}</strong>
                <span className="dev-badge">{textFor(t, 'developer.outcome.', section.outcome)}</span>
              </div>
              <p className="dev-summary">{section.summary}</p>
              {section.findings && section.findings.length > 0 && (
                <ul className="dev-findings">
                  {section.findings.map((finding, index) => <li key={index}><code>{findingText(finding)}</code></li>)}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
