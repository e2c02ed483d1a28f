/**
 * What a failed request's error says to a user. Node's fetch (undici) fails with a TypeError whose message is only
 * "fetch failed" (no answer at all) or "terminated" (a body cut off), the reason in its `cause`: an Error with a
 * system or undici `code` (ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET, …) and a message ("connect ECONNREFUSED
 * 127.0.0.1:443", "other side closed"). A user read "fetch failed" whether the server refused the connection, its
 * name was unknown or a proxy cut the file off (tester40).
 *
 * @param e what fetch threw or what a body read rejected with (any value)
 * @returns the error's own message where it is not undici's bare words; else those words with the cause spelled out,
 *   e.g. "the server refused the connection — nothing answers at that address: connect ECONNREFUSED 127.0.0.1:38741"; a
 *   port on the Fetch standard's blocked list (https://fetch.spec.whatwg.org/#bad-port) said as one the runtime refuses,
 *   with another to use; "fetch failed" itself when no cause is known
 */
export function networkFailureText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof Error) || (message !== 'fetch failed' && message !== 'terminated')) return message;
  const cause = e.cause as { code?: unknown; message?: unknown; errors?: unknown } | undefined;
  // a connection tried on several addresses (IPv4 and IPv6 of "localhost") fails as an AggregateError of each
  const first = cause && Array.isArray(cause.errors) && cause.errors.length > 0 ? (cause.errors[0] as typeof cause) : cause;
  const code = typeof first?.code === 'string' ? first.code : typeof cause?.code === 'string' ? cause.code : undefined;
  const detail = typeof first?.message === 'string' && first.message !== '' ? first.message : code;
  const said = (words: string) => (detail ? `${words}: ${detail}` : words);
  if (message === 'terminated') return said('the connection was closed before the file ended');
  // the Fetch standard's "bad port" list (undici follows it, as browsers do): 1, 7, 9, 21, 22, 25, 6000, 6667… are never
  // connected to, with no code in the cause; HF_ENDPOINT=http://127.0.0.1:9 read "fetch failed: bad port" (tester40)
  if (detail === 'bad port') return said('the port is one the runtime refuses to connect to (as browsers do: a port kept for other services) — serve the mirror on another port, such as 8080');
  switch (code) {
    case 'ECONNREFUSED':
      return said('the server refused the connection — nothing answers at that address');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
      return said('the server’s name could not be looked up — offline, or a wrong address');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return said('the connection was closed by the server or a proxy');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return said('connecting to the server timed out');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return said('the network or the server cannot be reached from here');
    default:
      if (code && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) {
        return said('the server’s TLS certificate was not accepted — behind a proxy that inspects HTTPS, give its CA with NODE_EXTRA_CA_CERTS');
      }
      return detail ? `fetch failed: ${detail}` : 'fetch failed';
  }
}
