/** A pasted file:// URI whose escapes are not UTF-8 (a path box cannot name that file): `message` says so, for the box. */
export class TypedPathError extends Error {}

/**
 * What a person pastes into the file browser's path box, as the path it names. Pasted paths come wrapped: Windows'
 * "Copy as path" and shells quote them ("C:\Music\a b.flac", '/home/me/a b.flac'), Linux file managers and a file
 * dragged into a text field give a file:// URI (file:///home/me/a%20b.flac, file:///C:/Music/a%20b.flac), and a
 * copied line often ends in a space or a newline. Returns the path: surrounding white space and one pair of
 * matching quotes removed, a file:// URI decoded (file://localhost/… and file:///… alike; a Windows drive's leading
 * slash dropped; file://server/share/… as the UNC path \\server\share\…). The URI's path is taken by hand from the
 * text after "file://": an unencoded '#' or '?' is part of the file's name (file:///tmp/a#b.mp3 is /tmp/a#b.mp3; a
 * URL parser would cut it there). Throws TypedPathError where every % is an escape but they do not spell UTF-8
 * (%E9t%E9: a Latin-1 name). Anything else is returned as it is (trimmed; a stray % that is no escape too); the
 * engine says what is wrong with it.
 */
export function typedPath(text: string): string {
  let s = text.trim();
  const q = s[0];
  if (s.length >= 2 && (q === '"' || q === "'") && s.at(-1) === q) s = s.slice(1, -1).trim();
  if (!/^file:\/\//i.test(s)) return s;
  const rest = s.slice('file://'.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return s;
  const host = rest.slice(0, slash);
  let path: string;
  try {
    path = decodeURIComponent(rest.slice(slash));
  } catch {
    // every % an escape, yet no UTF-8 text: say so rather than hand the engine the raw URI
    if (!/%(?![0-9A-Fa-f]{2})/.test(rest)) {
      throw new TypedPathError(`This file:// address is not UTF-8 (its %-escapes spell no text: ${s}), so it names no file here. Type or paste the path itself.`);
    }
    return s; // a stray % that is no escape: leave it for the engine to refuse
  }
  if (/^\/[A-Za-z]:([/\\]|$)/.test(path)) path = path.slice(1).replace(/\//g, '\\');
  if (host && host.toLowerCase() !== 'localhost') path = `\\\\${host}${path.replace(/\//g, '\\')}`;
  return path;
}

/** The folder and the last name of `path` (POSIX or Windows separators), or null for a root or a path with no folder. */
export function splitPath(path: string): { dir: string; name: string } | null {
  const m = /^(.*[/\\])([^/\\]+)[/\\]?$/.exec(path);
  if (!m) return null;
  let dir = m[1];
  if (dir.length > 1 && !/^[A-Za-z]:\\$/.test(dir) && !/^[/\\]+$/.test(dir)) dir = dir.slice(0, -1);
  return { dir, name: m[2] };
}
