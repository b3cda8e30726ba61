import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';

/** The platform's own product name: on any host that is not a reseller's verified domain the console keeps its name. */
const PLATFORM_PRODUCT = 'VoiceCore';
const HEX = /^#[0-9a-fA-F]{6}$/;

export interface HostBranding { productName: string; primary: string | null; logoUrl: string | null }

/** Reads a GET /api/v1/branding answer; null when it is the platform's default (or not a branding at all). */
export function resellerBranding(body: unknown): HostBranding | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as { productName?: unknown; logoUrl?: unknown; colours?: { primary?: unknown } };
  if (typeof b.productName !== 'string' || !b.productName || b.productName === PLATFORM_PRODUCT) return null;
  const primary = typeof b.colours?.primary === 'string' && HEX.test(b.colours.primary) ? b.colours.primary : null;
  const logoUrl = typeof b.logoUrl === 'string' && b.logoUrl.startsWith('https://') ? b.logoUrl : null;
  return { productName: b.productName, primary, logoUrl };
}

let cached: Promise<HostBranding | null> | null = null;

/** The branding of the host the console was loaded from (public route, read once per page load). */
export function useHostBranding(): HostBranding | null {
  const [branding, setBranding] = useState<HostBranding | null>(null);
  useEffect(() => {
    cached ??= fetch('/api/v1/branding', { headers: { Accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : null))
      .then(resellerBranding, () => null);
    let live = true;
    void cached.then((value) => { if (live) setBranding(value); });
    return () => { live = false; };
  }, []);
  return branding;
}

/**
 * The console's name in the top bar: on a reseller's domain its product name (with its logo, and its primary colour
 * as a stripe under the bar, which keeps the themes' text contrast), else the console's own.
 */
export function BrandName() {
  const { t } = useI18n();
  const branding = useHostBranding();
  useEffect(() => {
    document.documentElement.style.setProperty('--brand-stripe', branding?.primary ?? 'transparent');
  }, [branding]);
  if (!branding) {
    return <span className="brand">{t('app.name')}</span>;
  }
  return (
    <span className="brand" data-testid="host-brand">
      {branding.logoUrl && <img src={branding.logoUrl} alt="" height={24} style={{ verticalAlign: 'middle', marginRight: '0.4rem' }} />}
      {branding.productName}
    </span>
  );
}
