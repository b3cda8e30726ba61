import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfirmDialog, formatInstant } from './ConfirmDialog';

afterEach(cleanup);

describe('confirmation dialog', () => {
  it('runs the action only on confirm, and cancel (or Escape) closes without it', () => {
    const calls: string[] = [];
    render(<ConfirmDialog title="Revoke API key?" message="Programs using ci are refused." confirmLabel="Revoke"
                          cancelLabel="Cancel" onConfirm={() => calls.push('confirm')} onCancel={() => calls.push('cancel')} />);
    expect(screen.getByRole('heading', { name: 'Revoke API key?' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls).toEqual(['cancel']);
    // The browser fires 'cancel' on the dialog when Escape is pressed.
    fireEvent(screen.getByRole('dialog', { hidden: true }), new Event('cancel', { cancelable: true }));
    expect(calls).toEqual(['cancel', 'cancel']);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(calls).toEqual(['cancel', 'cancel', 'confirm']);
  });

  it('formats instants in the chosen language and shows a dash for none', () => {
    expect(formatInstant('en', null)).toBe('—');
    const german = formatInstant('de', '2026-03-05T10:00:00Z');
    expect(german).toContain('2026');
    expect(german).not.toBe(formatInstant('en', '2026-03-05T10:00:00Z'));
  });
});
