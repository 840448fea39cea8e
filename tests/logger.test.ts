import { Writable } from 'node:stream';
import { createLogger } from '../lib/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ level: 'info', pretty: false }, stream), text: () => lines.join('') };
}

test('tokens, keys and Authorization headers never reach the log', () => {
  const { logger, text } = capture();
  logger.info({ req: { headers: { authorization: 'Bearer aai_secret1', 'x-shopify-access-token': 'shpat_secret2' } } }, 'request');
  logger.info({ credential: { accessToken: 'Atza|secret3', refreshToken: 'Atzr|secret4', encryptedAccessToken: 'v1:a:b:c' } }, 'refreshed');
  logger.info({ access_token: 'secret5', refresh_token: 'secret6', client_secret: 'secret7', token: 'secret8' }, 'token response');
  logger.info({ headers: { authorization: 'Bearer secret9' } }, 'outgoing');
  const output = text();
  for (let i = 1; i <= 9; i += 1) expect(output).not.toContain(`secret${i}`);
  expect(output).not.toContain('v1:a:b:c');
  expect(output).toContain('[redacted]');
  expect(JSON.parse(output.split('\n')[0]!)).toMatchObject({ msg: 'request', level: 30 });
});
