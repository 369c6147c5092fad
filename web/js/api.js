// The cabinet's only way to the server: POST /graphql with a trusted document's id.
//
// Tokens: the access token (15 minutes) lives in this module's memory only; the refresh
// token in sessionStorage, which only this origin's scripts can read (the page loads no
// script from anywhere else: see the Content-Security-Policy in gateway/web.py) and which
// ends with the tab. Neither ever goes into a URL. Refreshing rotates both tokens and a
// refresh token works once, so concurrent requests share one refresh.

const REFRESH_KEY = "kabinet.refreshToken";
const EARLY_MS = 30_000; // refresh this long before the access token expires

let documents = null;
let access = null; // { token, expiresAt (ms) }
let refreshing = null;
const signedOutListeners = [];

export class ApiError extends Error {
  constructor(errors, status) {
    super(errors[0]?.message || "Ошибка сервера");
    this.errors = errors;
    this.status = status;
    this.extensions = errors[0]?.extensions || {};
    this.code = this.extensions.code || (status ? `HTTP_${status}` : "NETWORK");
  }
}

export async function documentNamed(name) {
  documents ??= fetch("/app/documents.json")
    .then((response) => {
      if (!response.ok) throw new Error(`documents.json: ${response.status}`);
      return response.json();
    })
    .then((manifest) => Object.fromEntries(manifest.operations.map((entry) => [entry.name, entry])))
    .catch(() => {
      documents = null; // not kept: the next action asks again once the network is back
      throw new ApiError([{ message: "Нет связи с сервером", extensions: { code: "NETWORK" } }], 0);
    });
  const entry = (await documents)[name];
  if (!entry) throw new Error(`no document ${name}`);
  return entry;
}

async function post(name, variables, token) {
  const document = await documentNamed(name);
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      credentials: "omit",
      body: JSON.stringify({ documentId: `sha256:${document.id}`, operationName: name, variables }),
    });
  } catch {
    throw new ApiError([{ message: "Нет связи с сервером", extensions: { code: "NETWORK" } }], 0);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    body = { errors: [{ message: `Сервер ответил ${response.status}`, extensions: {} }] };
  }
  return { status: response.status, body };
}

/** Runs a document and returns its data. Field errors whose code is in `tolerate` (e.g.
 * FORBIDDEN for what a TOPUP delegate may not see) leave their field null; any other error
 * throws an ApiError. */
export async function run(name, variables = {}, { tolerate = [] } = {}) {
  let token = await accessToken();
  let { status, body } = await post(name, variables, token);
  if (status === 401 && token) {
    // Expired or revoked between our clock and the server's: one refresh, one retry.
    token = await refresh(token);
    if (!token) throw new ApiError(body.errors || [], 401);
    ({ status, body } = await post(name, variables, token));
  }
  const errors = body.errors || [];
  const fatal = errors.filter((error) => !error.path || !tolerate.includes(error.extensions?.code));
  if (fatal.length || !body.data) {
    if (status === 401) signOutLocally();
    throw new ApiError(fatal.length ? fatal : errors, status);
  }
  return body.data;
}

export function isSignedIn() {
  return access !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
}

export function startSession(payload) {
  access = { token: payload.accessToken, expiresAt: Date.parse(payload.expiresAt) };
  sessionStorage.setItem(REFRESH_KEY, payload.refreshToken);
}

export function signOutLocally() {
  const wasSignedIn = isSignedIn();
  access = null;
  sessionStorage.removeItem(REFRESH_KEY);
  if (wasSignedIn) signedOutListeners.forEach((listener) => listener());
}

export function onSignedOut(listener) {
  signedOutListeners.push(listener);
}

/** A fresh access token (refreshed if it is about to expire), or null when signed out. */
export async function accessToken() {
  if (access && access.expiresAt - Date.now() > EARLY_MS) return access.token;
  if (!sessionStorage.getItem(REFRESH_KEY)) return null;
  return refresh(access?.token ?? null);
}

function refresh(staleToken) {
  if (access && access.token !== staleToken && access.expiresAt - Date.now() > EARLY_MS) {
    return Promise.resolve(access.token); // another caller refreshed meanwhile
  }
  refreshing ??= refreshNow().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshNow() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (!refreshToken) return null;
  const { status, body } = await post("RefreshSession", { refreshToken }, null);
  const payload = body.data?.refreshSession;
  if (payload) {
    startSession(payload);
    return access.token;
  }
  const errors = body.errors || [];
  if (errors.some((error) => error.extensions?.code === "UNAUTHENTICATED")) {
    signOutLocally(); // used, revoked or expired: sign in again
    return null;
  }
  // The server could not answer now (restarting, overloaded, rate limited): the session is
  // kept, and the person is told why this action failed.
  throw new ApiError(errors.length ? errors : [{ message: `Сервер ответил ${status}`, extensions: {} }], status);
}

/** A new access token in place of one the server refused although our clock had not
 * expired it (clocks apart, or the server restarted its token store); null once signed out. */
export function replaceRefusedToken(refused) {
  return refresh(refused);
}

// A key for one money or tariff write. A form keeps its key until the server has answered,
// so sending it again after a network error does the operation once; crypto.randomUUID
// would need a secure context (HTTPS or localhost), getRandomValues does not.
export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
