import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/** A page's frame: its heading (focused on arrival, so screen readers announce the new page) and its content. */
export function Page({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    heading.current?.focus();
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title" ref={heading} tabIndex={-1}>{title}</h1>
      {children}
    </section>
  );
}

/** What a page that is not built yet shows. */
export function Placeholder({ title }: { title: string }) {
  const { t } = useI18n();
  return (
    <Page title={title}>
      <p className="muted">{t('app.placeholder')}</p>
    </Page>
  );
}
