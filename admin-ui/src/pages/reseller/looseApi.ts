import { api } from '../../api/client';

/**
 * The reseller and platform routes whose OpenAPI entries describe their bodies in words only: called through the
 * typed client (credential and problems included) with the answer's type named by the caller.
 */
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type LooseClient = Record<Method, (path: string, init?: { body?: unknown }) => Promise<{ data?: unknown }>>;

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const client = api as unknown as LooseClient;
  const { data } = await client[method](path, body === undefined ? undefined : { body });
  return data as T;
}
