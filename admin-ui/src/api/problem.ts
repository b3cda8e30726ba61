/**
 * A refusal or failure the API answered, read from its RFC 9457 problem+json body. title and detail are written for
 * people and are shown as they are; type is the stable machine name (e.g. urn:voicecore:problem:mfa-required).
 */
export class ApiProblem extends Error {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly requestId?: string;

  constructor(fields: { type: string; title: string; status: number; detail: string; requestId?: string }) {
    super(fields.detail || fields.title);
    this.name = 'ApiProblem';
    this.type = fields.type;
    this.title = fields.title;
    this.status = fields.status;
    this.detail = fields.detail;
    this.requestId = fields.requestId;
  }

  /** Whether the problem's type is urn:voicecore:problem:<name>. */
  is(name: string): boolean {
    return this.type === `urn:voicecore:problem:${name}`;
  }
}

/** Builds the ApiProblem for a failed response: its problem+json when it has one, a generic one otherwise. */
export async function problemFrom(response: Response): Promise<ApiProblem> {
  const text = await response.text().catch(() => '');
  return problemFromBody(response.status, response.statusText, text);
}

export function problemFromBody(status: number, statusText: string, text: string): ApiProblem {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b.title === 'string' || typeof b.detail === 'string') {
      return new ApiProblem({
        type: typeof b.type === 'string' ? b.type : 'about:blank',
        title: typeof b.title === 'string' ? b.title : statusText || `HTTP ${status}`,
        status: typeof b.status === 'number' ? b.status : status,
        detail: typeof b.detail === 'string' ? b.detail : '',
        requestId: typeof b.requestId === 'string' ? b.requestId : undefined,
      });
    }
  }
  return new ApiProblem({
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    detail: status === 0 ? 'The server could not be reached.' : `The server answered ${status}.`,
  });
}
