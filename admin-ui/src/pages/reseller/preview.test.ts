import { describe, expect, it } from 'vitest';
import { brandingBody, textOn } from './preview';

describe('bundle branding', () => {
  it('leaves out empty fields and bad colours, lower-cases good ones', () => {
    expect(brandingBody({ productName: ' Nordic ', assistantName: '', logoUrl: '', primary: '#AA0011', accent: 'red' }))
      .toEqual({ productName: 'Nordic', colours: { primary: '#aa0011' } });
    expect(brandingBody({ productName: '', assistantName: '', logoUrl: '', primary: '', accent: '' })).toEqual({});
  });

  it('picks the readable text colour on the brand colour', () => {
    expect(textOn('#ffffff')).toBe('#000000');
    expect(textOn('#000000')).toBe('#ffffff');
    expect(textOn('#1d4ed8')).toBe('#ffffff');
    expect(textOn('#fde047')).toBe('#000000');
  });
});
