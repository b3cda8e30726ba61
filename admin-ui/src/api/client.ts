import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as KernelPaths } from './generated/kernel';
import type { paths as MarketplacePaths } from './generated/marketplace';
import type { paths as CrmPaths } from './generated/crm';
import type { paths as ReceptionistPaths } from './generated/receptionist';
import type { paths as VoicePaths } from './generated/voice';
import type { paths as AiGatewayPaths } from './generated/ai-gateway';
import { problemFrom, type ApiProblem } from './problem';

export type ApiPaths = KernelPaths & MarketplacePaths;

/** Where the console finds its credential; set by the session layer (src/auth). */
export interface CredentialSource {
  token(): string | null;
  /** Called on any 401: the credential is no longer accepted (session expired or signed out elsewhere). */
  rejected(problem: ApiProblem): void;
}

let credentials: CredentialSource = { token: () => null, rejected: () => {} };

export function useCredentials(source: CredentialSource): void {
  credentials = source;
}

const authAndProblems: Middleware = {
  onRequest({ request }) {
    const token = credentials.token();
    if (token && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', `Bearer ${token}`);
    }
    return request;
  },
  async onResponse({ response, request }) {
    if (response.ok) {
      return response;
    }
    const problem = await problemFrom(response.clone());
    // A wrong password at sign-in is a 401 too, but it is no expired session.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) {
      credentials.rejected(problem);
    }
    throw problem;
  },
};

/**
 * The typed client of the kernel's public API (and the marketplace's): same origin, bearer credential from the session,
 * every non-2xx answer thrown as an ApiProblem. Use it as `const { data } = await api.GET('/api/v1/me')`.
 */
export const api = createClient<ApiPaths>({ baseUrl: '' });
api.use(authAndProblems);

/** The core plugins' routes, from each plugin's own OpenAPI document (paths relative to the plugin's base). */
export interface PluginPaths {
  crm: CrmPaths;
  receptionist: ReceptionistPaths;
  voice: VoicePaths;
  'ai-gateway': AiGatewayPaths;
}

/**
 * The typed client of one core plugin's routes for one tenant, based at /api/v1/tenants/{tenant}/{pluginId}:
 * `await pluginApi('crm', tenant).GET('/contacts', { params: { query: { q } } })`.
 */
export function pluginApi<P extends keyof PluginPaths>(pluginId: P, tenant: string) {
  const client = createClient<PluginPaths[P]>({ baseUrl: `/api/v1/tenants/${encodeURIComponent(tenant)}/${pluginId}` });
  client.use(authAndProblems);
  return client;
}

/**
 * Calls a route of any plugin, /api/v1/tenants/{tenant}/{pluginId}/{path}, for plugins without a document the console
 * was built with (a marketplace plugin); the caller names the answer's type. Refusals are thrown as ApiProblem.
 */
export async function pluginRequest<T>(
  tenant: string,
  pluginId: string,
  path: string,
  init: { method?: string; body?: unknown; fetchImpl?: typeof fetch } = {},
): Promise<T> {
  const url = `/api/v1/tenants/${encodeURIComponent(tenant)}/${encodeURIComponent(pluginId)}/${path.replace(/^\/+/, '')}`;
  const headers = new Headers({ Accept: 'application/json' });
  const token = credentials.token();
  if (token) {
    headers.set('Authorization', `Bearer ${token}`);
  }
  if (init.body !== undefined) {
    headers.set('Content-Type', 'application/json');
  }
  const response = await (init.fetchImpl ?? fetch)(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) {
    const problem = await problemFrom(response);
    if (response.status === 401) {
      credentials.rejected(problem);
    }
    throw problem;
  }
  return (response.status === 204 ? undefined : await response.json()) as T;
}
