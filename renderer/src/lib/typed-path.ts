/**
 * What a person pastes into the file browser's path box, as the path it names. Pasted paths come wrapped: Windows'
 * "Copy as path" and shells quote them ("C:\Music\a b.flac", '/home/me/a b.flac'), Linux file managers and a file
 * dragged into a text field give a file:// URI (file:///home/me/a%20b.flac, file:///C:/Music/a%20b.flac), and a
 * copied line often ends in a space or a newline. Returns the path: surrounding white space and one pair of
 * matching quotes removed, a file:// URI decoded (file://localhost/… and file:///… alike; a Windows drive's leading
 * slash dropped; file://server/share/… as the UNC path \\server\share\…). Anything else is returned as it is
 * (trimmed); the engine says what is wrong with it.
 */
export function typedPath(text: string): string {
  let s = text.trim();
  const q = s[0];
  if (s.length >= 2 && (q === '"' || q === "'") && s.at(-1) === q) s = s.slice(1, -1).trim();
  if (!/^file:\/\//i.test(s)) return s;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return s;
  }
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return s; // a stray % that is no escape: leave it for the engine to refuse
  }
  if (/^\/[A-Za-z]:([/\\]|$)/.test(path)) path = path.slice(1).replace(/\//g, '\\');
  if (u.hostname && u.hostname.toLowerCase() !== 'localhost') path = `\\\\${u.hostname}${path.replace(/\//g, '\\')}`;
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
