import { describe, expect, it } from 'vitest';
import { resellerBranding } from './hostBranding';

describe('the host branding', () => {
  it('keeps the console name on the platform default', () => {
    expect(resellerBranding({ productName: 'VoiceCore', colours: { primary: '#1f4fd8' } })).toBeNull();
    expect(resellerBranding(null)).toBeNull();
    expect(resellerBranding({ title: 'Not Found' })).toBeNull();
  });

  it("takes a reseller's product name, colour and https logo", () => {
    expect(resellerBranding({ productName: 'Nordic Reception', colours: { primary: '#004d40' }, logoUrl: 'https://n.example/l.png' }))
      .toEqual({ productName: 'Nordic Reception', primary: '#004d40', logoUrl: 'https://n.example/l.png' });
    expect(resellerBranding({ productName: 'Nordic', colours: { primary: 'red' }, logoUrl: 'http://x' }))
      .toEqual({ productName: 'Nordic', primary: null, logoUrl: null });
  });
});
