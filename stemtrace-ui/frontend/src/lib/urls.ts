// Ids, names and hostnames come from whatever the traced application sent: a JavaScript string may
// hold a lone UTF-16 surrogate, which encodeURIComponent (ours and the router's) refuses with a
// URIError. Everything that puts such a value into a URL goes through here.

const REPLACEMENT_CHARACTER = '\ufffd';

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The text with every lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed` does;
 * written out because not every supported browser has that method. Well-formed text comes back as is.
 */
export function wellFormed(text: string): string {
  let result = '';
  // text before this index is already in result
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    // charCodeAt past the end is NaN, which is no low surrogate
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    result += text.slice(copied, i) + REPLACEMENT_CHARACTER;
    copied = i + 1;
  }
  return copied === 0 ? text : result + text.slice(copied);
}

/**
 * The query string naming one id, such as `id=...` of GET /api/task or `hostname=...` of GET
 * /api/worker. An id with a lone surrogate then names the id with U+FFFD in its place, which the
 * server will not find: a not-found answer instead of a page that cannot render.
 */
export function idQuery(key: string, id: string): URLSearchParams {
  return new URLSearchParams({ [key]: wellFormed(id) });
}
