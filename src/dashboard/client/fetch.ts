// JSON from the dashboard's API. A failed request throws a typed error that names the URL:
// RequestError with the server's status and message, StreamLostError when the server is gone,
// FormatError when the reply is not JSON.

import { FormatError, RequestError, StreamLostError } from '../../errors.js';

export async function fetchJson<T = unknown>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } });
  } catch (e) {
    throw new StreamLostError(`${url}: the dashboard server did not answer (${(e as Error).message})`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    throw new FormatError(`${url}: reply ${res.status} is not JSON: ${text.slice(0, 120)}`);
  }
  if (!res.ok) {
    const msg = body !== null && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : text.slice(0, 200);
    throw new RequestError(`${url}: ${res.status} ${msg}`, res.status);
  }
  return body as T;
}
