import { describe, expect, it } from 'vitest';
import { reasonsFrom } from './ReviewPage';

describe('reasonsFrom', () => {
  it('takes one reason per line and leaves blank lines out, so a reject without reasons is caught before sending', () => {
    expect(reasonsFrom('  Storage is not explained \n\n Routes answer 500\n')).toEqual(['Storage is not explained', 'Routes answer 500']);
    expect(reasonsFrom(' \n  \n')).toEqual([]);
  });
});
