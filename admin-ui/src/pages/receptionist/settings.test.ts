import { describe, expect, it } from 'vitest';
import { configToForm, formToConfig } from './settings';

describe('receptionist settings', () => {
  it('reads the configuration with its defaults into the form', () => {
    const form = configToForm({ greeting: 'Hi!', languages: 'es, en', frustrationLimit: 3, tone: 'formal' });
    expect(form).toMatchObject({ greeting: 'Hi!', languages: ['es', 'en'], frustrationLimit: 3, tone: 'formal', timeZone: 'UTC' });
    expect(configToForm({}).languages).toEqual(['en', 'es', 'fr', 'de', 'it', 'pt']);
  });

  it('keeps keys the form does not show, drops emptied texts and writes the languages in order', () => {
    const current = { departments: 'sales=+34910000001', retentionDays: 30, businessName: 'Old', greeting: 'Old greeting' };
    const form = { ...configToForm(current), businessName: '  ', greeting: ' Welcome to Acme ', languages: ['fr', 'en'] };
    const next = formToConfig(current, form);
    expect(next.departments).toBe('sales=+34910000001');
    expect(next.retentionDays).toBe(30);
    expect(next).not.toHaveProperty('businessName');
    expect(next.greeting).toBe('Welcome to Acme');
    expect(next.languages).toBe('en,fr');
  });
});
