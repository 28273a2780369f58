import axios, { type AxiosInstance, isAxiosError } from 'axios';
import {
  BrokerAuthError,
  BrokerError,
  BrokerInputError,
  BrokerRateLimitError,
  BrokerTimeoutError,
  BrokerUnavailableError,
} from '../broker-errors';
import { xtsRestOperation, type BrokerRestCallCounter } from '../rest-calls';
import type { XtsEndpoints } from './xts-endpoints';
import { normalizeXtsLogin, parseXtsEnvelope, type XtsSession } from './xts-normalize';

export interface XtsRestClientOptions {
  endpoints: XtsEndpoints;
  appKey: string;
  secretKey: string;
  /** XTS_SOURCE, e.g. WEBAPI. */
  source?: string;
  /** Hostlookup deployments pass the uniqueKey from /hostlookup with the login. */
  uniqueKey?: string;
  timeoutMs?: number;
  /** Counts every request sent, login included (fillwire_broker_rest_calls_total). */
  restCalls?: BrokerRestCallCounter;
}

export type XtsOperation = 'read' | 'write';

const AMBIGUOUS_CODES = new Set([
  'ECONNABORTED',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TOKEN_TROUBLE =
  /invalid token|token (is )?(expired|invalid)|session (has )?(expired|invalid)|unauthori[sz]ed/i;

/**
 * XTS interactive REST over axios. Every reply is read as the `{type, code, description, result}`
 * envelope whatever the HTTP status (production answers a dead token with HTTP 200 and
 * `type:"error"`). Login is single-flight: a second XTS login kills the first session, so concurrent
 * callers share one login.
 */
export class XtsRestClient {
  private readonly http: AxiosInstance;
  private session: XtsSession | null = null;
  private loginInFlight: Promise<XtsSession> | null = null;
  private logins = 0;

  constructor(private readonly options: XtsRestClientOptions) {
    this.http = axios.create({
      baseURL: options.endpoints.restBase,
      timeout: options.timeoutMs ?? 7_000,
      validateStatus: () => true,
      headers: { 'Content-Type': 'application/json' },
    });
  }

  get current(): XtsSession | null {
    return this.session;
  }

  /** How many logins this client has made (the gateway reports it; tests check single-flight). */
  get loginCount(): number {
    return this.logins;
  }

  /** Logs in unless a session exists; concurrent callers share one request. */
  async ensureSession(): Promise<XtsSession> {
    return this.session ?? this.login();
  }

  /**
   * Logs in again. `staleToken` is the token that failed: if another caller has already replaced it,
   * that session is returned instead of logging in a second time.
   */
  login(staleToken?: string): Promise<XtsSession> {
    if (this.loginInFlight) return this.loginInFlight;
    if (staleToken !== undefined && this.session && this.session.token !== staleToken)
      return Promise.resolve(this.session);
    this.loginInFlight = this.doLogin().finally(() => {
      this.loginInFlight = null;
    });
    return this.loginInFlight;
  }

  setSession(session: XtsSession | null): void {
    this.session = session;
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    try {
      await this.request('write', 'DELETE', '/user/session');
    } finally {
      this.session = null;
    }
  }

  /** An authenticated call; returns the envelope's `result`. */
  async request(
    operation: XtsOperation,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { params?: object; body?: object } = {},
  ): Promise<unknown> {
    const session = await this.ensureSession();
    return this.send(operation, method, path, { ...options, token: session.token });
  }

  private async doLogin(): Promise<XtsSession> {
    this.logins += 1;
    const body = {
      appKey: this.options.appKey,
      secretKey: this.options.secretKey,
      source: this.options.source ?? 'WEBAPI',
      ...(this.options.uniqueKey ? { uniqueKey: this.options.uniqueKey } : {}),
    };
    try {
      const result = await this.send('read', 'POST', '/user/session', { body });
      const session = normalizeXtsLogin(result);
      if (!session.ok)
        throw new BrokerUnavailableError('jainam', `unusable login reply: ${session.error}`, 'DataException');
      this.session = session.value;
      return session.value;
    } catch (error) {
      // Wrong app key/secret is an auth problem, not the user's order input.
      if (error instanceof BrokerInputError)
        throw new BrokerAuthError('jainam', error.brokerMessage, error.brokerCode, { cause: error });
      throw error;
    }
  }

  private async send(
    operation: XtsOperation,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: { params?: object; body?: object; token?: string },
  ): Promise<unknown> {
    this.options.restCalls?.inc({
      broker: 'jainam',
      operation: xtsRestOperation(method, path, options.params),
    });
    let status: number;
    let data: unknown;
    try {
      const response = await this.http.request<unknown>({
        method,
        url: path,
        params: options.params,
        data: options.body,
        headers: options.token ? { Authorization: options.token } : {},
      });
      status = response.status;
      data = response.data;
    } catch (error) {
      throw this.networkError(error, operation);
    }
    const envelope = parseXtsEnvelope(data);
    if (!envelope.ok) {
      const message = `HTTP ${status}: ${envelope.error}`;
      if (status === 429) throw new BrokerRateLimitError('jainam', message, null);
      if (status === 401 || status === 403) throw new BrokerAuthError('jainam', message, null);
      throw new BrokerUnavailableError('jainam', message, null);
    }
    const e = envelope.value;
    if (e.ok) return e.result;
    const message = e.description || e.code || `HTTP ${status} error`;
    if (TOKEN_TROUBLE.test(message) || status === 401 || status === 403) {
      if (options.token && this.session?.token === options.token) this.session = null;
      throw new BrokerAuthError('jainam', message, e.code || null);
    }
    if (status === 429 || /rate.?limit|too many/i.test(`${e.code} ${message}`))
      throw new BrokerRateLimitError('jainam', message, e.code || null);
    if (status >= 500) throw new BrokerUnavailableError('jainam', message, e.code || null);
    throw new BrokerInputError('jainam', message, e.code || null);
  }

  private networkError(error: unknown, operation: XtsOperation): BrokerError {
    const code = isAxiosError(error) ? (error.code ?? '') : '';
    const message = error instanceof Error ? error.message : String(error);
    if (operation === 'write' && AMBIGUOUS_CODES.has(code))
      return new BrokerTimeoutError('jainam', message, code, { cause: error });
    return new BrokerUnavailableError('jainam', message, code || null, { cause: error });
  }
}
