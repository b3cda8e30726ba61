import { describe, expect, it } from 'vitest';
import { formatMoney, parseMoney, permissionDiff, type Report } from './marketApi';

describe('money', () => {
  it('formats minor units with the currency digits in the language', () => {
    expect(formatMoney(1900, 'EUR', 'en')).toBe('€19.00');
    expect(formatMoney(1900, 'EUR', 'de')).toBe('19,00\u00a0€');
    expect(formatMoney(500, 'JPY', 'en')).toBe('¥500');
  });

  it('reads a typed amount into minor units and refuses what is not one', () => {
    expect(parseMoney('19.90', 'EUR')).toBe(1990);
    expect(parseMoney('19,9', 'EUR')).toBe(1990);
    expect(parseMoney('7', 'EUR')).toBe(700);
    expect(parseMoney('500', 'JPY')).toBe(500);
    expect(parseMoney('1.234', 'EUR')).toBeNull();
    expect(parseMoney('-1', 'EUR')).toBeNull();
    expect(parseMoney('abc', 'EUR')).toBeNull();
  });
});

describe('permissionDiff', () => {
  it('lists added and removed permissions and newly public routes from the permissions section', () => {
    const report: Report = {
      outcome: 'needs-review',
      sections: [
        { name: 'signature', outcome: 'passed', summary: 'ok', findings: [] },
        { name: 'permissions', outcome: 'warning', summary: '2 changes', findings: [
          { change: 'added', permission: 'storage', reason: 'keeps greetings' },
          { change: 'public-route-added', route: 'GET /hook' },
        ] },
      ],
    };
    expect(permissionDiff(report)).toEqual([
      { change: 'added', subject: 'storage', reason: 'keeps greetings' },
      { change: 'public-route-added', subject: 'GET /hook', reason: '' },
    ]);
    expect(permissionDiff(null)).toEqual([]);
  });
});
