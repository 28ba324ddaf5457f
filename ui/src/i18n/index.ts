// i18next with one message file per language and per part of the app, each loaded on demand:
// the storefront's messages from src/i18n/locales/<lng>.json (namespace "storefront"), the staff
// console's from src/admin/locales/<lng>.json (namespace "admin", requested only by the console's
// lazily loaded chunk), so no console string is in the storefront bundle.
import i18n, { type BackendModule, type ReadCallback } from "i18next";
import { initReactI18next } from "react-i18next";

export const LANGUAGES = [
  { code: "en", label: "English" },
  { code: "es", label: "Español" },
  { code: "pt-BR", label: "Português (Brasil)" },
  { code: "ro", label: "Română" },
] as const;
export type Language = (typeof LANGUAGES)[number]["code"];

const STORAGE_KEY = "b2b.language";

export function isLanguage(v: unknown): v is Language {
  return LANGUAGES.some((l) => l.code === v);
}

const storefront = import.meta.glob<{ default: Record<string, unknown> }>("./locales/*.json");
const admin = import.meta.glob<{ default: Record<string, unknown> }>("../admin/locales/*.json");

const backend: BackendModule = {
  type: "backend",
  init() {},
  read(lng: string, ns: string, callback: ReadCallback) {
    const files = ns === "admin" ? admin : storefront;
    const dir = ns === "admin" ? "../admin/locales" : "./locales";
    const load = files[`${dir}/${lng}.json`];
    if (!load) {
      callback(new Error(`no ${ns} messages for ${lng}`), null);
      return;
    }
    load().then(
      (m) => callback(null, m.default as never),
      (e: unknown) => callback(e as Error, null),
    );
  },
};

/** The saved choice, else the browser's language when we have it, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (isLanguage(saved)) return saved;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    if (isLanguage(wanted)) return wanted;
    const base = wanted.split("-")[0];
    if (base === "pt") return "pt-BR";
    if (isLanguage(base)) return base;
  }
  return "en";
}

/** The language the user picked in the header, remembered in this browser. */
export async function chooseLanguage(lng: Language) {
  localStorage.setItem(STORAGE_KEY, lng);
  await i18n.changeLanguage(lng);
}

i18n.on("languageChanged", (lng) => {
  document.documentElement.lang = lng;
});

void i18n
  .use(backend)
  .use(initReactI18next)
  .init({
    lng: initialLanguage(),
    fallbackLng: false,
    supportedLngs: LANGUAGES.map((l) => l.code),
    load: "currentOnly",
    ns: ["storefront"],
    defaultNS: "storefront",
    interpolation: { escapeValue: false },
    returnNull: false,
  });

export default i18n;
