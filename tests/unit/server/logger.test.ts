import { createLogger, redactSecrets } from '@secureaccess/server';
import { captureLogs } from '../../helpers/app';

describe('log redaction', () => {
  test('when an object holds credentials at any depth, then they are censored and the rest is kept', () => {
    const input = {
      email: 'ada@example.test',
      authHash: 'A',
      nested: { deeper: [{ refreshToken: 'R', access_token: 'T', wrappedUserKey: 'W', keep: 1 }] },
      body: { code: '123456', currentAuthHash: 'C', newPassword: 'P', secret: 'S' },
    };

    const output = redactSecrets(input);

    expect(output).toEqual({
      email: 'ada@example.test',
      authHash: '[redacted]',
      nested: { deeper: [{ refreshToken: '[redacted]', access_token: '[redacted]', wrappedUserKey: '[redacted]', keep: 1 }] },
      body: { code: '[redacted]', currentAuthHash: '[redacted]', newPassword: '[redacted]', secret: '[redacted]' },
    });
    expect(input.authHash).toBe('A'); // the caller's object is not modified
  });

  test('when a logger writes a record with headers and a body, then the line carries no secret', () => {
    const { stream, logs } = captureLogs();
    const logger = createLogger({ level: 'info', destination: stream });

    logger.info(
      { headers: { authorization: 'Bearer SECRET-1', cookie: 'sid=SECRET-2' }, body: { password: 'SECRET-3', token: 'SECRET-4' } },
      'incoming',
    );

    expect(logs.lines).toHaveLength(1);
    expect(logs.text()).toContain('incoming');
    expect(logs.text()).not.toContain('SECRET-');
  });

  test('when an object is cyclic, then redaction terminates', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;

    expect(redactSecrets(cyclic)).toEqual({ name: 'x', self: '[truncated]' });
  });
});
