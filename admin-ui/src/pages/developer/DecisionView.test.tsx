import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/i18n';
import { DecisionView } from './DeveloperPage';
import type { Submission } from './marketApi';

const rejected: Submission = {
  id: 's-1', plugin: 'greeter', version: '1.0.0', state: 'rejected', submittedAt: '2026-12-08T10:00:00Z', report: null,
  decision: { decision: 'reject', reasons: ['Storage is not explained', 'GET /guests answers 500'], checklist: null,
              by: 'reviewer', at: '2026-12-08T11:00:00Z' },
};

describe('DecisionView', () => {
  it('shows a rejection with each reason the reviewer gave, for the publisher to act on', () => {
    render(<I18nProvider language="en"><DecisionView submission={rejected} /></I18nProvider>);
    expect(screen.getByText('Rejected')).toBeTruthy();
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(
      ['Storage is not explained', 'GET /guests answers 500']);
  });

  it('shows nothing before a decision', () => {
    const { container } = render(<I18nProvider language="en"><DecisionView submission={{ ...rejected, state: 'in-review', decision: null }} /></I18nProvider>);
    expect(container.textContent).toBe('');
  });
});
