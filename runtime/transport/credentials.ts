import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator } from 'nats';
import type { ConnectionOptions, TlsOptions } from 'nats';
import { InvalidTransportOptionsError } from './errors.js';

/**
 * How a node authenticates to NATS. Choose one of user/pass, token, nkey seed or creds (file or
 * contents); TLS combines with any of them. Secrets come from the environment or a file, never from
 * code, and the transport never logs or publishes them ({@link describeCredentials} shows what is safe).
 *
 * @example
 * const credentials: NatsCredentials = { credsFile: '/etc/bifrost/node.creds', tls: { caFile: '/etc/bifrost/ca.pem' } };
 */
export interface NatsCredentials {
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** An nkey user seed (`SU...`). */
  readonly nkeySeed?: string;
  /** Path of a `.creds` file (user JWT and nkey seed), read at connect time. */
  readonly credsFile?: string;
  /** Contents of a `.creds` file. */
  readonly creds?: string;
  /** TLS: CA to trust, and a client certificate when the server asks for one. */
  readonly tls?: TlsOptions;
}

/** Every problem with a credentials object (an empty list when it is usable). */
export function credentialProblems(c: NatsCredentials | undefined): string[] {
  if (c === undefined) return [];
  const problems: string[] = [];
  for (const key of ['user', 'pass', 'token', 'nkeySeed', 'credsFile', 'creds'] as const) {
    const v = c[key];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) problems.push(`credentials.${key} must be a non-empty string`);
  }
  if ((c.user === undefined) !== (c.pass === undefined)) problems.push('credentials.user and credentials.pass go together');
  const methods = [c.user !== undefined, c.token !== undefined, c.nkeySeed !== undefined, c.credsFile !== undefined || c.creds !== undefined].filter(Boolean).length;
  if (methods > 1) problems.push('credentials: choose one of user/pass, token, nkeySeed, credsFile/creds');
  if (c.credsFile !== undefined && c.creds !== undefined) problems.push('credentials.credsFile and credentials.creds are mutually exclusive');
  return problems;
}

/** The nats.js connection options for `c`. Throws {@link InvalidTransportOptionsError} listing every problem. */
export function credentialOptions(c: NatsCredentials | undefined): Partial<ConnectionOptions> {
  const problems = credentialProblems(c);
  if (problems.length > 0) throw new InvalidTransportOptionsError(problems);
  if (c === undefined) return {};
  const out: { -readonly [K in keyof ConnectionOptions]?: ConnectionOptions[K] } = {};
  if (c.user !== undefined) {
    out.user = c.user;
    out.pass = c.pass!;
  }
  if (c.token !== undefined) out.token = c.token;
  if (c.nkeySeed !== undefined) out.authenticator = nkeyAuthenticator(new TextEncoder().encode(c.nkeySeed));
  if (c.credsFile !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(c.credsFile);
    } catch (error) {
      // The path is not a secret; the file's contents are, and are never echoed.
      throw new InvalidTransportOptionsError([`credentials.credsFile ${c.credsFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
    out.authenticator = credsAuthenticator(bytes);
  }
  if (c.creds !== undefined) out.authenticator = credsAuthenticator(new TextEncoder().encode(c.creds));
  if (c.tls !== undefined) out.tls = c.tls;
  return out;
}

/** What can be shown of `c` in logs and the inspector: the method and the user name, never a secret. */
export function describeCredentials(c: NatsCredentials | undefined): string {
  if (c === undefined) return 'none';
  const parts: string[] = [];
  if (c.user !== undefined) parts.push(`user/pass (user ${c.user})`);
  if (c.token !== undefined) parts.push('token');
  if (c.nkeySeed !== undefined) parts.push('nkey');
  if (c.credsFile !== undefined) parts.push(`creds file ${c.credsFile}`);
  if (c.creds !== undefined) parts.push('creds');
  if (c.tls !== undefined) parts.push('tls');
  return parts.length === 0 ? 'none' : parts.join(' + ');
}
