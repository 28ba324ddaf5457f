import { useEffect } from "react";

/** The document title, so every page has its own (screen readers announce it). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = title;
  }, [title]);
}
