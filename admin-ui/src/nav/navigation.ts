import type { MessageKey } from '../i18n/messages';

/** The roles the kernel knows (GET /api/v1/me answers one of them). */
export type Role = 'platform-admin' | 'tenant-admin' | 'tenant-user' | 'developer' | 'reviewer' | 'reseller';

export type SectionId =
  | 'dashboard' | 'marketplace' | 'plugins' | 'receptionist' | 'conversations' | 'crm' | 'pipeline' | 'users'
  | 'apiKeys' | 'audit' | 'developer' | 'review' | 'reseller' | 'platform';

export interface Section {
  id: SectionId;
  /** Path under the console's base, e.g. 'users' for /console/users. */
  path: string;
  label: MessageKey;
  /** Who may open it; the navigation shows it to them only, and a direct link from anyone else shows "not allowed". */
  roles: readonly Role[];
}

const TENANT = ['tenant-admin', 'tenant-user'] as const;
const TENANT_ADMIN = ['tenant-admin'] as const;

/** The console's sections in navigation order. Add a section here and its page in src/pages/registry.ts. */
export const sections: readonly Section[] = [
  { id: 'dashboard', path: 'dashboard', label: 'nav.dashboard', roles: TENANT },
  { id: 'receptionist', path: 'receptionist', label: 'nav.receptionist', roles: TENANT },
  { id: 'conversations', path: 'conversations', label: 'nav.conversations', roles: TENANT },
  { id: 'crm', path: 'crm', label: 'nav.crm', roles: TENANT },
  { id: 'pipeline', path: 'pipeline', label: 'nav.pipeline', roles: TENANT },
  { id: 'marketplace', path: 'marketplace', label: 'nav.marketplace', roles: TENANT_ADMIN },
  { id: 'plugins', path: 'plugins', label: 'nav.plugins', roles: TENANT_ADMIN },
  { id: 'users', path: 'users', label: 'nav.users', roles: TENANT_ADMIN },
  { id: 'apiKeys', path: 'api-keys', label: 'nav.apiKeys', roles: TENANT_ADMIN },
  { id: 'audit', path: 'audit', label: 'nav.audit', roles: TENANT_ADMIN },
  { id: 'developer', path: 'developer', label: 'nav.developer', roles: ['developer'] },
  { id: 'review', path: 'review', label: 'nav.review', roles: ['reviewer'] },
  { id: 'reseller', path: 'reseller', label: 'nav.reseller', roles: ['reseller'] },
  { id: 'platform', path: 'platform', label: 'nav.platform', roles: ['platform-admin'] },
];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string'
    && ['platform-admin', 'tenant-admin', 'tenant-user', 'developer', 'reviewer', 'reseller'].includes(value);
}

export function canOpen(role: Role, section: Section): boolean {
  return section.roles.includes(role);
}

/** The sections the role sees in its navigation. */
export function sectionsFor(role: Role): Section[] {
  return sections.filter((section) => canOpen(role, section));
}

/** Where the role lands after signing in: its first section. */
export function homeFor(role: Role): string {
  return `/${sectionsFor(role)[0]?.path ?? 'dashboard'}`;
}
