import { describe, expect, it } from 'vitest';
import { canOpen, homeFor, sections, sectionsFor, type Role } from './navigation';

const ids = (role: Role) => sectionsFor(role).map((s) => s.id);
const ADMIN_ONLY = ['marketplace', 'plugins', 'users', 'apiKeys', 'audit'];

describe('role → navigation', () => {
  it('a tenant admin sees every tenant section', () => {
    expect(ids('tenant-admin')).toEqual(['dashboard', 'receptionist', 'conversations', 'crm', 'pipeline',
      'marketplace', 'plugins', 'users', 'apiKeys', 'audit']);
  });

  it('a tenant user sees the non-admin subset and may not open admin sections', () => {
    expect(ids('tenant-user')).toEqual(['dashboard', 'receptionist', 'conversations', 'crm', 'pipeline']);
    for (const id of ADMIN_ONLY) {
      const section = sections.find((s) => s.id === id)!;
      expect(canOpen('tenant-user', section), id).toBe(false);
    }
  });

  it('the other roles see their own portal only', () => {
    expect(ids('developer')).toEqual(['developer']);
    expect(ids('reviewer')).toEqual(['review']);
    expect(ids('reseller')).toEqual(['reseller']);
    expect(ids('platform-admin')).toEqual(['platform']);
  });

  it('each role lands on its first section', () => {
    expect(homeFor('tenant-user')).toBe('/dashboard');
    expect(homeFor('reviewer')).toBe('/review');
  });

  it('section paths are unique', () => {
    expect(new Set(sections.map((s) => s.path)).size).toBe(sections.length);
  });
});
