/** A sentiment score (-1 to 1) as its label: positive above 0.2, negative below -0.2, as the receptionist counts it. */
export function sentimentLabel(score: number | null | undefined): 'positive' | 'neutral' | 'negative' | null {
  if (score === null || score === undefined) {
    return null;
  }
  return score > 0.2 ? 'positive' : score < -0.2 ? 'negative' : 'neutral';
}

export interface ConversationFilters {
  status: '' | 'open' | 'ended';
  channel: '' | 'chat' | 'voice' | 'call';
  sentiment: '' | 'positive' | 'neutral' | 'negative';
  language: string;
  from: string;
  to: string;
}

export const NO_FILTERS: ConversationFilters = { status: '', channel: '', sentiment: '', language: '', from: '', to: '' };

/** The list route's query from the filters (the language is filtered here: the route has no such parameter). */
export function listQuery(filters: ConversationFilters): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of ['status', 'channel', 'sentiment', 'from', 'to'] as const) {
    if (filters[key]) {
      query[key] = filters[key];
    }
  }
  return query;
}
