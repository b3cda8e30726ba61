import { reference, type MessageKey } from '../../i18n/messages';
import { api } from '../../api/client';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Call = (path: string, init: Record<string, unknown>) => Promise<{ data?: unknown }>;

/**
 * Calls a marketplace route through the console's client (bearer credential, refusals thrown as ApiProblem, a 401 ends
 * the session). The marketplace's OpenAPI document describes its answers in words only, so the caller names their type.
 * `raw` sends a body as it is (a PEM certificate, a jar) with its own content type.
 */
export async function market<T>(
  method: Method,
  path: string,
  options: { body?: unknown; query?: Record<string, string>; raw?: { body: Blob | string; contentType: string } } = {},
): Promise<T> {
  const client = api as unknown as Record<Method, Call>;
  const init: Record<string, unknown> = {};
  if (options.query) {
    init.params = { query: options.query };
  }
  if (options.raw) {
    init.body = options.raw.body;
    init.bodySerializer = (body: unknown) => body;
    init.headers = { 'Content-Type': options.raw.contentType };
  } else if (options.body !== undefined) {
    init.body = options.body;
  }
  const { data } = await client[method](path, init);
  return data as T;
}

/** The publisher routes of the signed-in developer: 'me' is the publisher its key belongs to. */
export const publisherPath = (rest = '') => `/api/v1/marketplace/publishers/me${rest}`;

export interface Finding {
  [name: string]: unknown;
}

export interface ReportSection {
  name: string;
  outcome: 'passed' | 'warning' | 'failed' | 'skipped';
  summary: string;
  durationMillis?: number;
  findings?: Finding[];
}

export interface Report {
  outcome: 'clean' | 'needs-review' | 'rejected';
  durationMillis?: number;
  sections: ReportSection[];
}

export interface Decision {
  decision: 'approve' | 'reject';
  reasons: string[];
  checklist: Record<string, boolean> | null;
  by: string;
  at: string;
}

export interface Submission {
  id: string;
  plugin: string;
  version: string;
  state: 'automated-review' | 'in-review' | 'published' | 'rejected';
  signer?: string;
  jarSha256?: string;
  submittedAt: string;
  fastTracked?: boolean;
  report: Report | null;
  reportOutcome?: string | null;
  decision: Decision | null;
}

/** The permission changes of a report's permissions section: what a reviewer weighs against the plugin's reasons. */
export function permissionDiff(report: Report | null): { change: string; subject: string; reason: string }[] {
  const section = report?.sections.find((s) => s.name === 'permissions');
  return (section?.findings ?? []).map((f) => ({
    change: String(f.change ?? ''),
    subject: String(f.permission ?? f.route ?? ''),
    reason: f.reason == null ? '' : String(f.reason),
  }));
}

/** Money in minor units of an ISO 4217 currency, formatted for the language (1900 EUR → "19,00 €" in German). */
export function formatMoney(amount: number, currency: string, language: string): string {
  const format = new Intl.NumberFormat(language, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits);
}

/** A decimal amount typed by a person ("19.90" or "19,90") in minor units, or null when it is not one. */
export function parseMoney(text: string, currency: string): number | null {
  const clean = text.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(clean)) {
    return null;
  }
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const [whole, fraction = ''] = clean.split('.');
  if (fraction.length > digits) {
    return null;
  }
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

export function formatDate(iso: string | null | undefined, language: string): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** The text of a key made from a value the API answered, or the value itself when it is one the console does not know. */
export function textFor(t: (key: MessageKey) => string, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return key in reference ? t(key as MessageKey) : value;
}
