import { describe, expect, it } from 'vitest';
import { api, pluginRequest, useCredentials } from './client';
import { ApiProblem, problemFromBody } from './problem';

describe('problem+json mapping', () => {
  it('keeps the API\'s type, title, detail and request id', () => {
    const problem = problemFromBody(401, 'Unauthorized', JSON.stringify({
      type: 'urn:voicecore:problem:mfa-required', title: 'Unauthenticated', status: 401,
      detail: 'This account uses two-factor authentication.', requestId: 'r-1',
    }));
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.is('mfa-required')).toBe(true);
    expect(problem.title).toBe('Unauthenticated');
    expect(problem.message).toBe('This account uses two-factor authentication.');
    expect(problem.requestId).toBe('r-1');
  });

  it('makes a readable problem of a body that is not problem+json', () => {
    const problem = problemFromBody(502, 'Bad Gateway', '<html>proxy error</html>');
    expect(problem.status).toBe(502);
    expect(problem.title).toBe('Bad Gateway');
    expect(problem.detail).toContain('502');
    expect(problem.is('mfa-required')).toBe(false);
  });
});

function answering(status: number, body: unknown): typeof fetch {
  return async () => new Response(JSON.stringify(body), {
    status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

describe('typed client', () => {
  it('sends the bearer credential and throws refusals as ApiProblem, reporting a 401', async () => {
    const seen: string[] = [];
    const rejected: ApiProblem[] = [];
    useCredentials({ token: () => 'tok-123', rejected: (p) => rejected.push(p) });
    const fetchImpl: typeof fetch = async (input) => {
      const request = input as Request;
      seen.push(request.headers.get('Authorization') ?? '');
      return answering(401, { type: 'urn:voicecore:problem:unauthenticated', title: 'Unauthenticated', status: 401,
                              detail: 'The session expired.' })(input);
    };
    const error = await api.GET('/api/v1/me', { fetch: fetchImpl, baseUrl: 'http://localhost' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblem);
    expect((error as ApiProblem).detail).toBe('The session expired.');
    expect(seen).toEqual(['Bearer tok-123']);
    expect(rejected).toHaveLength(1);
  });

  it('does not treat a refused sign-in as an expired session', async () => {
    const rejected: ApiProblem[] = [];
    useCredentials({ token: () => null, rejected: (p) => rejected.push(p) });
    const error = await api.POST('/api/v1/auth/login', {
      body: { tenant: 'acme', email: 'a@b.c', password: 'x' }, baseUrl: 'http://localhost',
      fetch: answering(401, { type: 'urn:voicecore:problem:login-failed', title: 'Unauthenticated', status: 401,
                              detail: 'The tenant, email or password is wrong.' }),
    }).catch((e: unknown) => e);
    expect((error as ApiProblem).is('login-failed')).toBe(true);
    expect(rejected).toHaveLength(0);
  });

  it('calls plugin routes under the tenant with the credential', async () => {
    useCredentials({ token: () => 'tok-9', rejected: () => {} });
    let url = '';
    let auth = '';
    const reply = await pluginRequest<{ items: string[] }>('acme', 'crm', '/contacts?limit=2', {
      fetchImpl: async (input, init) => {
        url = String(input);
        auth = new Headers(init?.headers).get('Authorization') ?? '';
        return new Response(JSON.stringify({ items: ['a'] }), { status: 200 });
      },
    });
    expect(url).toBe('/api/v1/tenants/acme/crm/contacts?limit=2');
    expect(auth).toBe('Bearer tok-9');
    expect(reply.items).toEqual(['a']);
  });
});
