import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth/auth';
import { I18nProvider, useI18n } from './i18n/i18n';
import { canOpen, homeFor, sections, type Section } from './nav/navigation';
import { pages } from './pages/registry';
import SignInPage from './pages/signin/SignInPage';
import { Layout } from './shell/Layout';
import { Page } from './shell/Page';

const SecurityPage = lazy(() => import('./pages/security/SecurityPage'));

/** Pages need a signed-in user; everyone else goes to sign-in and comes back after. */
function RequireSignIn({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  const { t } = useI18n();
  const location = useLocation();
  if (me === undefined) {
    return <p className="muted" role="status">{t('app.loading')}</p>;
  }
  if (me === null) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  }
  // A session that must first enrol in two-factor authentication may do nothing else (the API refuses it too).
  if (me.mfaPending && location.pathname !== '/security') {
    return <Navigate to="/security" replace />;
  }
  return <>{children}</>;
}

function SectionRoute({ section }: { section: Section }) {
  const { me } = useAuth();
  const SectionPage = pages[section.id];
  return me && canOpen(me.role, section) ? <SectionPage /> : <NotAllowed />;
}

export function NotAllowed() {
  const { t } = useI18n();
  return (
    <Page title={t('app.notAllowed.title')}>
      <p>{t('app.notAllowed.detail')}</p>
    </Page>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <Page title={t('app.notFound.title')}>
      <p>{t('app.notFound.detail')}</p>
    </Page>
  );
}

function Home() {
  const { me } = useAuth();
  return me ? <Navigate to={homeFor(me.role)} replace /> : null;
}

export function ConsoleRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route element={<RequireSignIn><Layout /></RequireSignIn>}>
        <Route index element={<Home />} />
        <Route path="security" element={<SecurityPage />} />
        {sections.map((section) => (
          <Route key={section.id} path={`${section.path}/*`} element={<SectionRoute section={section} />} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <I18nProvider>
      <AuthProvider>
        <BrowserRouter basename="/console">
          <Suspense fallback={null}>
            <ConsoleRoutes />
          </Suspense>
        </BrowserRouter>
      </AuthProvider>
    </I18nProvider>
  );
}
