/** Where XTS REST and the interactive socket live for a deployment (brokers.md §2.2, §2.9). */
export interface XtsEndpoints {
  /** Origin for socket.io: scheme://host:port. */
  origin: string;
  /** REST prefix routes are appended to: `<root>/interactive` or a hostlookup connectionString. */
  restBase: string;
  /** socket.io path: `/interactive/socket.io`, or `/<first segment>/socket.io` for hostlookup. */
  socketPath: string;
}

/** Standard (retail) deployment: REST under `/interactive`, socket at `/interactive/socket.io`. */
export function standardXtsEndpoints(rootUrl: string): XtsEndpoints {
  const url = new URL(rootUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return {
    origin: url.origin,
    restBase: `${url.origin}${prefix}/interactive`,
    socketPath: `${prefix}/interactive/socket.io`,
  };
}

/**
 * Hostlookup (dealer) deployment: routes hang directly off the connectionString returned by
 * `/hostlookup`, and the socket path is its first path segment + `/socket.io`.
 */
export function hostLookupXtsEndpoints(connectionString: string): XtsEndpoints {
  const url = new URL(connectionString);
  const path = url.pathname.replace(/\/+$/, '');
  const first = path.split('/').filter(Boolean)[0];
  return {
    origin: url.origin,
    restBase: `${url.origin}${path}`,
    socketPath: first ? `/${first}/socket.io` : '/socket.io',
  };
}
