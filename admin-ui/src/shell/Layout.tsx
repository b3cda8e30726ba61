import { Suspense, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/auth';
import { useI18n } from '../i18n/i18n';
import { sectionsFor } from '../nav/navigation';
import { Preferences } from './Preferences';
import { BrandName } from '../pages/reseller/hostBranding';

/** The signed-in frame: skip link, header with who is signed in, the role's navigation, and the page. */
export function Layout() {
  const { t } = useI18n();
  const { me, signOut } = useAuth();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location.pathname]);
  if (!me) {
    return null;
  }
  const visible = me.mfaPending ? [] : sectionsFor(me.role);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('app.skipToContent')}</a>
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav"
                onClick={() => setMenuOpen(!menuOpen)}>
          {t('app.menu')}
        </button>
        <BrandName />
        <span className="who">{t('app.signedInAs', { actor: me.actorId, role: t(`role.${me.role}`) })}</span>
        <Preferences />
        <button type="button" onClick={() => void signOut()}>{t('app.signOut')}</button>
      </header>
      <nav id="main-nav" aria-label={t('app.mainNavigation')} className={menuOpen ? 'sidenav open' : 'sidenav'}>
        <ul>
          {visible.map((section) => (
            <li key={section.id}><NavLink to={`/${section.path}`}>{t(section.label)}</NavLink></li>
          ))}
          {me.credentialKind === 'session' && <li><NavLink to="/security">{t('nav.security')}</NavLink></li>}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Suspense fallback={<p className="muted" role="status">{t('app.loading')}</p>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
