// The console's shared client code: `porteiro.api()` calls the JSON API with the session's CSRF
// token, so pages never handle the token themselves; `porteiro.read()` also gives the answer's
// data time. Loaded from a file: the CSP allows no inline script.

(() => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = meta ? meta.getAttribute("content") : "";

  /** fetch() against /api/: JSON in and out; throws with the server's message on an error status. */
  async function call(path, { method = "GET", body } = {}) {
    const headers = { accept: "application/json" };
    if (method !== "GET" && method !== "HEAD") headers["x-csrf-token"] = csrfToken;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      window.location.assign(`/console/login?next=${encodeURIComponent(window.location.pathname)}`);
      throw new Error("login required");
    }
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new Error(data?.error || `HTTP ${response.status}`);
    return { data, headers: response.headers };
  }

  const api = async (path, options) => (await call(path, options)).data;

  /**
   * A GET with the time of the data its answer was computed from (X-Data-As-Of) and whether the
   * server is computing a newer one meanwhile (X-Data-Updating).
   */
  async function read(path) {
    const { data, headers } = await call(path);
    return { data, asOf: headers.get("x-data-as-of"), updating: headers.get("x-data-updating") === "1" };
  }

  window.porteiro = { csrfToken, api, read };
})();
