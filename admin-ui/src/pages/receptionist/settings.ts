/** The receptionist's configuration keys the editor shows (plugin.yaml's config schema), as form values. */
export const LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'] as const;

export interface SettingsForm {
  assistantName: string;
  businessName: string;
  greeting: string;
  tone: 'friendly' | 'formal';
  languages: string[];
  businessHours: string;
  timeZone: string;
  escalationKeywords: string;
  frustrationLimit: number;
}

const TEXT_KEYS = ['assistantName', 'businessName', 'greeting', 'businessHours', 'timeZone', 'escalationKeywords'] as const;

export function configToForm(config: Record<string, unknown>): SettingsForm {
  const text = (key: string) => (typeof config[key] === 'string' ? (config[key] as string) : '');
  return {
    assistantName: text('assistantName'),
    businessName: text('businessName'),
    greeting: text('greeting'),
    tone: config.tone === 'formal' ? 'formal' : 'friendly',
    languages: (text('languages') || LANGUAGES.join(',')).split(',').map((code) => code.trim()).filter(Boolean),
    businessHours: text('businessHours'),
    timeZone: text('timeZone') || 'UTC',
    escalationKeywords: text('escalationKeywords'),
    frustrationLimit: typeof config.frustrationLimit === 'number' ? config.frustrationLimit : 2,
  };
}

/**
 * The configuration to PUT: the current one (other keys such as departments and retentionDays kept) with the form's
 * values; an emptied text is left out, so the receptionist falls back to its default rather than saving "".
 */
export function formToConfig(current: Record<string, unknown>, form: SettingsForm): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current, tone: form.tone, frustrationLimit: form.frustrationLimit };
  for (const key of TEXT_KEYS) {
    const value = form[key].trim();
    if (value) {
      next[key] = value;
    } else {
      delete next[key];
    }
  }
  next.languages = LANGUAGES.filter((code) => form.languages.includes(code)).join(',');
  return next;
}
