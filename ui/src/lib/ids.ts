/** The tail of a long id, enough to tell orders apart on screen (the full id is in the URL). */
export function shortId(id: string): string {
  return id.length > 10 ? `…${id.slice(-8)}` : id;
}
