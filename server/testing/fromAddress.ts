// Sends a JSON request from a chosen loopback address (127.0.0.0/8 is all local on Linux), so a test can play
// callers at different addresses against the real server without trusting any proxy header.
import http from 'node:http';

export interface AddressedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
  /** `name=value` pairs of the cookies the response set. */
  cookies: Record<string, string>;
}

export function postFrom(
  localAddress: string,
  base: string,
  path: string,
  body: unknown,
  cookie = '',
): Promise<AddressedResponse> {
  const url = new URL(path, base);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const cookies: Record<string, string> = {};
          for (const c of res.headers['set-cookie'] ?? []) {
            const [pair] = c.split(';');
            const at = pair!.indexOf('=');
            cookies[pair!.slice(0, at).trim()] = pair!.slice(at + 1);
          }
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json, cookies });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
