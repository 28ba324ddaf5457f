// The session token, kept in the browser.
//
// The contact's or staff member's own token lives in localStorage: a link from an email opens in a
// new tab and must find the session; the token is short-lived and checked by the API on every
// request, and logging out forgets it. An impersonation token (staff acting as a customer, F9)
// lives in sessionStorage instead: it belongs to the one tab where staff chose to act as the
// customer, overrides the staff token there only, and closing that tab ends it, while the
// console in the other tabs keeps the staff session.
//
// Either storage is readable by script on the page, so the defence against token theft is the
// absence of XSS: React escapes everything it renders and the app never injects raw HTML.

const OWN = "b2b.session";
const ACTING = "b2b.acting-as";

export type StoredSession = { token: string; expires_at: string };

type Listener = () => void;
const listeners = new Set<Listener>();

function read(storage: Storage, key: string): StoredSession | null {
  try {
    const raw = storage.getItem(key);
    if (!raw) return null;
    const s = JSON.parse(raw) as StoredSession;
    if (typeof s.token !== "string" || !s.token) return null;
    if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) {
      storage.removeItem(key);
      return null;
    }
    return s;
  } catch {
    return null;
  }
}

function emit() {
  for (const l of listeners) l();
}

/** The token the API calls carry: the impersonation one in this tab, else the own one. */
export function currentToken(): string | null {
  return (read(sessionStorage, ACTING) ?? read(localStorage, OWN))?.token ?? null;
}

export function isActingAsCustomer(): boolean {
  return read(sessionStorage, ACTING) !== null;
}

export function saveSession(s: StoredSession) {
  localStorage.setItem(OWN, JSON.stringify(s));
  emit();
}

/** Staff acting as a customer in this tab (F9). */
export function startActingAs(s: StoredSession) {
  sessionStorage.setItem(ACTING, JSON.stringify(s));
  emit();
}

/** Back to the staff's own session in this tab. */
export function stopActingAs() {
  sessionStorage.removeItem(ACTING);
  emit();
}

/** Forget every token (logout, or the API said the session is no longer valid). */
export function clearSession() {
  sessionStorage.removeItem(ACTING);
  localStorage.removeItem(OWN);
  emit();
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

// Another tab logging in or out.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key === OWN || e.key === null) emit();
  });
}
