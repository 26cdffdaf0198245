import { type ErrorCode, errorCodes, type Problem } from '../server/contracts/errors.ts';

/** Codes a front-end can meet: the server's, plus failures that never reached the server. */
export type ClientErrorCode = ErrorCode | 'network' | 'unknown';

/** Every failed API call ends here, so screens can pick a message by `code` alone. */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly problem: Problem | null;

  constructor(code: ClientErrorCode, status: number, problem: Problem | null = null, message?: string) {
    super(message ?? problem?.detail ?? problem?.title ?? code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.problem = problem;
  }

  /** Seconds to wait before retrying, from the problem or the Retry-After header. */
  get retryAfter(): number | null {
    const value = this.problem?.retryAfter;
    return typeof value === 'number' ? value : null;
  }
}

const knownCodes = new Set<string>(errorCodes);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && knownCodes.has(value);
}

/** Parses an error response: problem+json with a known `code`, or a code guessed from the status. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const problem = body && typeof body === 'object' ? (body as Problem) : null;
  const retryHeader = response.headers.get('retry-after');
  if (problem && retryHeader && problem.retryAfter === undefined) problem.retryAfter = Number(retryHeader);
  if (problem && isErrorCode(problem.code)) return new ApiError(problem.code, response.status, problem);
  const byStatus: Record<number, ErrorCode> = {
    400: 'validation-failed',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not-found',
    409: 'conflict',
    413: 'payload-too-large',
    429: 'rate-limited',
    503: 'unavailable',
  };
  const code = byStatus[response.status] ?? (response.status >= 500 ? 'internal' : 'unknown');
  return new ApiError(code, response.status, problem);
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Bearer token: a device token, a staff token or an appointment's manage token. */
  token?: string | null;
  signal?: AbortSignal;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClient {
  request<T>(path: string, options?: ApiRequest): Promise<T>;
  get<T>(path: string, options?: Omit<ApiRequest, 'method' | 'body'>): Promise<T>;
  post<T>(path: string, body?: unknown, options?: Omit<ApiRequest, 'method' | 'body'>): Promise<T>;
  del<T = void>(path: string, options?: Omit<ApiRequest, 'method' | 'body'>): Promise<T>;
}

/** A small fetch wrapper for `/api/v1`: JSON in, JSON out, problem+json → ApiError. */
export function createApiClient(options: { baseUrl?: string; fetch?: FetchLike } = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '/api/v1';
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(path: string, req: ApiRequest = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    const url = `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    // Also on a body-less DELETE: the server's CSRF guard cannot always tell an empty stream from a body.
    if (req.body !== undefined || (req.method ?? 'GET') !== 'GET') headers['content-type'] = 'application/json';
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: req.method ?? 'GET',
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: req.signal,
        credentials: 'same-origin',
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError('network', 0, null, err instanceof Error ? err.message : 'network error');
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) return (await response.json()) as T;
    return (await response.text()) as T;
  }

  return {
    request,
    get: (path, o) => request(path, { ...o, method: 'GET' }),
    post: (path, body, o) => request(path, { ...o, method: 'POST', body: body ?? {} }),
    del: (path, o) => request(path, { ...o, method: 'DELETE' }),
  };
}

export const api = createApiClient();

/** `services=passport:2,driving-licence:1` as DESIGN.md puts it in query strings. */
export function servicesParam(items: readonly { code: string; persons: number }[]): string {
  return items.map((i) => `${i.code}:${i.persons}`).join(',');
}
