/**
 * Hugging Face Hub discovery: which files a repository folder holds, their sizes and
 * SHA-256, and the URLs to fetch them — with the endpoint and token resolved the way
 * the HF libraries do (HF_ENDPOINT, HF_TOKEN / HUGGING_FACE_HUB_TOKEN).
 *
 * Tree API (huggingface_hub `list_repo_tree`):
 *   GET {endpoint}/api/{models|datasets}/{repo}/tree/{revision}/{path}?recursive=true
 *   → [{ type: 'file'|'directory', path, size, oid, lfs?: { oid: sha256, size, pointerSize } }]
 *   paginated with a `Link: <…>; rel="next"` header.
 * Files: {endpoint}/{datasets/}{repo}/resolve/{revision}/{path} (302 to a CDN for LFS files).
 */
import type { Expected } from './download';

export type RepoType = 'model' | 'dataset';

export interface HubFile {
  /** path inside the repository */
  path: string;
  size: number;
  /** SHA-256 for LFS files (the tree API's lfs.oid) */
  sha256?: string;
  /** git blob SHA-1 (the tree API's oid); for non-LFS files the only checksum published */
  gitOid: string;
  /** the resolve URL to download it from */
  url: string;
  /** what download() should verify */
  expected: Expected;
}

export class HubError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'HubError';
  }
}

/** HF_ENDPOINT (without a trailing slash) or https://huggingface.co, as huggingface_hub.constants does. */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
}

/** Authorization headers from HF_TOKEN (or the older HUGGING_FACE_HUB_TOKEN); none when unset. */
export function hubHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Whether request `headers` carry a credential (an Authorization header, any case): refusalHint's `tokenSent`. */
export function sendsToken(headers: Record<string, string> | undefined): boolean {
  return Object.keys(headers ?? {}).some((k) => /^authorization$/i.test(k));
}

/**
 * The Hub page of the repository a URL of `endpoint` points into (a resolve URL, a tree API URL), e.g.
 * `https://huggingface.co/datasets/Sony/DeepResonance_data_models`; null for another server (a CDN, Meta's).
 */
export function hubRepoPage(url: string, endpoint: string = hubEndpoint()): string | null {
  if (!url.startsWith(`${endpoint}/`)) return null;
  const rest = url.slice(endpoint.length + 1).split(/[?#]/)[0];
  const m = rest.match(/^(?:api\/(models|datasets)\/)?(datasets\/)?([^/]+\/[^/]+)\/(?:resolve|tree)\//);
  if (!m) return null;
  return `${endpoint}/${m[1] === 'datasets' || m[2] ? 'datasets/' : ''}${m[3]}`;
}

/**
 * What a 401/403/404 from `url` means and what to do, in one phrase for a message (the download's and the
 * tree API's): a Hub repository that is gated or private — its page to accept the conditions at, the token
 * page, and whether HF_TOKEN was sent (then the token's account has no access yet) — or another server,
 * where HF_TOKEN plays no part (Meta's: a moved file answers 403). null for other statuses.
 */
export function refusalHint(url: string, status: number, tokenSent: boolean, endpoint: string = hubEndpoint()): string | null {
  const page = hubRepoPage(url, endpoint);
  if (status === 401 || status === 403) {
    if (!page) return `access denied by ${new URL(url).host}: the file may have moved or be withheld there; check the address or use a mirror`;
    return tokenSent
      ? `access denied: ${page} is gated or private and the account of the HF_TOKEN that was sent has no access to it yet. Open that page logged in as that account and accept its conditions (or request access and wait for approval), or set HF_TOKEN to a token of an account that has access`
      : `access denied: ${page} is gated or private and no HF_TOKEN was sent. Open that page logged in and accept its conditions, create a read token at ${endpoint}/settings/tokens, and set HF_TOKEN to it`;
  }
  if (status === 404) {
    return page
      ? `not found: check the repository ${page}, its revision and path, or HF_ENDPOINT (a private repository also answers 404 without HF_TOKEN)`
      : `not found at ${new URL(url).host}: the file may have moved; check the address or use a mirror`;
  }
  return null;
}

const encPath = (p: string) => p.split('/').filter(Boolean).map(encodeURIComponent).join('/');

/** {endpoint}/{datasets/}{repo}/resolve/{revision}/{path} (huggingface_hub `hf_hub_url`). */
export function resolveUrl(endpoint: string, repoType: RepoType, repo: string, revision: string, path: string): string {
  return `${endpoint}/${repoType === 'dataset' ? 'datasets/' : ''}${repo}/resolve/${encodeURIComponent(revision)}/${encPath(path)}`;
}

export interface ListOptions {
  repo: string;
  repoType: RepoType;
  revision?: string;
  /** folder inside the repository ('' for the root) */
  path?: string;
  endpoint?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * Every file under `path` (recursively) with its size and checksums. Follows the tree API's
 * pagination. Raises HubError for a missing repository/revision/path (404), a gated or private
 * one (401/403) and a malformed answer.
 */
export async function listRepoFiles(opts: ListOptions): Promise<HubFile[]> {
  const endpoint = opts.endpoint ?? hubEndpoint();
  const revision = opts.revision ?? 'main';
  const doFetch = opts.fetch ?? fetch;
  const headers = opts.headers ?? hubHeaders();
  const folder = encPath(opts.path ?? '');
  let next: string | null = `${endpoint}/api/${opts.repoType}s/${opts.repo}/tree/${encodeURIComponent(revision)}${folder ? `/${folder}` : ''}?recursive=true`;
  const out: HubFile[] = [];
  for (let page = 0; next; page++) {
    if (page > 10_000) throw new HubError(`${opts.repo}: tree API pagination does not end`);
    const res = await doFetch(next, { headers, signal: opts.signal });
    if (!res.ok) {
      await res.body?.cancel();
      const why = refusalHint(next, res.status, sendsToken(headers), endpoint) ?? `HTTP ${res.status}`;
      throw new HubError(`${opts.repoType} ${opts.repo}@${revision}/${opts.path ?? ''}: ${why}`, res.status);
    }
    let entries: unknown;
    try {
      entries = await res.json();
    } catch (e) {
      throw new HubError(`${next}: the tree API answered with something that is not JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(entries)) throw new HubError(`${next}: the tree API answered with something that is not a list`);
    for (const e of entries as Record<string, unknown>[]) {
      if (e.type !== 'file') continue;
      const path = String(e.path);
      const size = Number(e.size);
      const lfs = e.lfs as { oid?: string; size?: number } | undefined;
      if (!Number.isSafeInteger(size) || size < 0 || typeof e.oid !== 'string') throw new HubError(`${next}: malformed entry for ${path}`);
      const sha256 = lfs?.oid && /^[0-9a-f]{64}$/i.test(lfs.oid) ? lfs.oid.toLowerCase() : undefined;
      const realSize = lfs?.size !== undefined ? Number(lfs.size) : size;
      out.push({
        path, size: realSize, sha256, gitOid: e.oid,
        url: resolveUrl(endpoint, opts.repoType, opts.repo, revision, path),
        // an LFS file's git oid is the pointer's; only a plain file's oid checks its content
        expected: sha256 ? { size: realSize, sha256 } : { size: realSize, gitBlobSha1: e.oid },
      });
    }
    const link = res.headers.get('link');
    const m = link?.match(/<([^>]+)>\s*;\s*rel="next"/);
    next = m ? new URL(m[1], next).href : null;
  }
  return out;
}
