// pgha's own calls to the agents' REST API, as patronictl makes them: HTTPS verified with the
// cluster CA (plain HTTP only when the spec opts out), and the Basic credentials on mutating
// calls only, never sent over plain HTTP unless the spec opted out of HTTPS.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AgentApiAccess } from '../desired/agent-api-access.js';
import type { Secrets } from '../desired/secrets.js';

export interface AgentAnswer {
  status: number;
  text: string;
}

export interface AgentCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface AgentApiClient {
  /** The schemes to try for a read, the spec's first (an agent not yet moved to HTTPS still answers over HTTP). */
  readonly schemes: readonly ('https' | 'http')[];
  call(url: string, call: AgentCall): Promise<AgentAnswer>;
}

const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function agentApiClient(access: AgentApiAccess, secrets: Secrets): AgentApiClient {
  let authorization: string | undefined;
  const credentials = (): string => {
    if (!access.password) throw new Error("the agents' REST API password does not exist yet (apply creates it)");
    authorization ??= `Basic ${Buffer.from(`${access.username}:${secrets.resolve(access.password, access.passwordSource)}`).toString('base64')}`;
    return authorization;
  };
  return {
    schemes: access.https ? ['https', 'http'] : ['http'],
    call: (url, call) =>
      new Promise((resolve, reject) => {
        const target = new URL(url);
        const https = target.protocol === 'https:';
        const method = call.method ?? 'GET';
        const mutating = method !== 'GET' && method !== 'HEAD';
        if (mutating && !https && access.https) {
          return reject(new Error(`${target.host} serves its REST API over plain HTTP, and pgha sends its credentials only over HTTPS: the agent there has not moved to HTTPS yet`));
        }
        const headers = { ...call.headers, ...(mutating && { authorization: credentials() }) };
        const options = { method, headers, signal: AbortSignal.timeout(call.timeoutMs), agent: false as const, ...(https && access.ca !== undefined && { ca: access.ca }) };
        const request = (https ? httpsRequest : httpRequest)(target, options, (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) response.destroy(new Error(`${target.host} answered with more than ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(call.body);
      }),
  };
}
