export interface ApiInit {
  method?: string;
  body?: unknown;
  token?: string;
}

/**
 * A JSON call to a running server's /api/v1, sent as the same-origin front-end would send it.
 * Throws on a non-2xx answer with the status and body; an empty body (204) gives undefined.
 */
export async function apiCall<T>(server: { url: string }, path: string, init: ApiInit = {}): Promise<T> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: {
      accept: 'application/json',
      origin: server.url,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
