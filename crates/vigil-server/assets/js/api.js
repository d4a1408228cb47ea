// The JSON API, as the dashboard uses it.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, params, body, headers = {}) {
  const qs = params ? new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ).toString() : '';
  const url = path + (qs ? '?' + qs : '');
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let json = null;
  try {
    json = await res.json();
  } catch (_) {
    throw new ApiError(res.status, `${url}: the answer is not JSON (${res.status})`);
  }
  if (!res.ok) throw new ApiError(res.status, json?.error?.message || `${url}: ${res.status}`);
  return json;
}

export const get = (path, params) => request('GET', path, params);
export const post = (path, body, headers) => request('POST', path, null, body, headers);

/** Every item of a listing, following next_cursor (at most `cap` items). */
export async function walk(path, params, cap = 5000) {
  const items = [];
  let cursor;
  do {
    const page = await get(path, { ...params, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < cap);
  return { items, truncated: Boolean(cursor) };
}

let openapi;
/** The values an enum of the OpenAPI document takes (EventType, ClaimStatus, …). */
export async function enumValues(schema) {
  openapi ??= get('/api/openapi.json');
  const doc = await openapi;
  const s = doc.components?.schemas?.[schema];
  if (s?.enum) return s.enum;
  // utoipa writes documented enums as oneOf of single-value enums.
  return (s?.oneOf || []).flatMap((o) => o.enum || []);
}

let sources;
/** Every source, by id (fetched once per page load). */
export async function sourceMap() {
  sources ??= walk('/api/v1/sources').then(({ items }) => new Map(items.map((s) => [s.id, s])));
  return sources;
}
