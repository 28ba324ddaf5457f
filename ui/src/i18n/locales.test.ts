import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "string") out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

// Every language has every message, with the same placeholders: a missing key would show
// the key itself (there is no fallback to English on purpose).
for (const dir of ["src/i18n/locales", "src/admin/locales"]) {
  describe(dir, () => {
    const load = (lng: string) => flatten(JSON.parse(readFileSync(join(dir, `${lng}.json`), "utf8")) as Tree);
    const en = load("en");
    const languages = readdirSync(dir).map((f) => f.replace(/\.json$/, ""));
    it("has the four languages", () => {
      expect(languages.sort()).toEqual(["en", "es", "pt-BR", "ro"]);
    });
    for (const lng of languages.filter((l) => l !== "en")) {
      it(`${lng} has exactly the English keys, with the same placeholders`, () => {
        const other = load(lng);
        expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
        for (const [key, value] of en) {
          expect(placeholders(other.get(key) ?? ""), `${lng} ${key}`).toEqual(placeholders(value));
          expect((other.get(key) ?? "").trim(), `${lng} ${key}`).not.toBe("");
        }
      });
    }
  });
}
