import {
  backgroundSenderPolicy,
  dispatchBackgroundMessage,
  ExtensionError,
  protocolChannel,
  verifySender,
  type BackgroundHandlers,
  type VerifiedSender,
} from '@ext/utils/protocol';

const extensionId = 'abcdefghijklmnopabcdefghijklmnop';
const origin = `chrome-extension://${extensionId}`;

describe('verifySender', () => {
  test('when the popup sends, then it is an extension sender without a tab', () => {
    expect(verifySender({ id: extensionId, url: `${origin}/popup.html` }, extensionId, origin)).toEqual({
      kind: 'extension',
      url: `${origin}/popup.html`,
      tabId: null,
      frameId: null,
    });
  });

  test('when the inline UI frame sends from inside a tab, then its tab and frame are kept for the parent-frame check', () => {
    const sender = verifySender(
      { id: extensionId, url: `${origin}/inline-ui.html#t`, tab: { id: 7, url: 'https://login.test/' }, frameId: 3 },
      extensionId,
      origin,
    );
    expect(sender).toEqual({ kind: 'extension', url: `${origin}/inline-ui.html#t`, tabId: 7, frameId: 3 });
  });

  test('when a content script sends, then the URLs are the browser-reported frame and tab URLs', () => {
    const sender = verifySender(
      { id: extensionId, url: 'http://evil.test/frame.html', tab: { id: 4, url: 'http://login.test/' }, frameId: 9 },
      extensionId,
      origin,
    );
    expect(sender).toEqual({ kind: 'content', tabId: 4, frameId: 9, frameUrl: 'http://evil.test/frame.html', tabUrl: 'http://login.test/' });
  });

  test('when an about:blank frame sends, then its creator origin stands for the frame URL', () => {
    const sender = verifySender(
      { id: extensionId, url: 'about:blank', origin: 'http://evil.test', tab: { id: 4, url: 'http://login.test/' }, frameId: 2 },
      extensionId,
      origin,
    );
    expect(sender).toMatchObject({ kind: 'content', frameUrl: 'http://evil.test' });
  });

  test.each([
    ['another extension', { id: 'otherextensionidotherextensionid', url: `${origin}/popup.html` }],
    ['a sender without URL', { id: extensionId }],
    ['a content script without tab', { id: extensionId, url: 'http://login.test/', frameId: 0 }],
    ['a content script without tab URL', { id: extensionId, url: 'http://login.test/', tab: { id: 1 }, frameId: 0 }],
    ['a look-alike extension origin', { id: extensionId, url: `${origin}.evil.test/popup.html`, tab: { id: 1 }, frameId: 0 }],
  ])('when %s sends, then it is not trusted as an extension page', (_name, raw) => {
    expect(verifySender(raw, extensionId, origin)?.kind).not.toBe('extension');
  });
});

describe('dispatchBackgroundMessage', () => {
  const calls: { type: string; sender: VerifiedSender }[] = [];
  const handlers = new Proxy({} as BackgroundHandlers, {
    get: (_target, type: string) => async (_payload: unknown, sender: VerifiedSender) => {
      calls.push({ type, sender });
      if (type === 'vault:reveal') throw new ExtensionError('locked', 'The vault is locked.');
      if (type === 'vault:sync') throw new Error('database exploded at /secret/path');
      return { handled: type };
    },
  });
  const popup: VerifiedSender = { kind: 'extension', url: `${origin}/popup.html`, tabId: null, frameId: null };
  const content: VerifiedSender = { kind: 'content', tabId: 1, frameId: 0, frameUrl: 'http://evil.test/', tabUrl: 'http://evil.test/' };
  const message = (type: string, payload: unknown = {}) => ({ channel: protocolChannel, type, payload });

  beforeEach(() => {
    calls.length = 0;
  });

  test('when a content script asks for a popup-only message (reveal a password), then it is refused before any handler runs', async () => {
    const reply = await dispatchBackgroundMessage(handlers, message('vault:reveal', { uuid: 'x' }), content);
    expect(reply).toEqual({ ok: false, error: expect.objectContaining({ code: 'forbidden_sender' }) });
    expect(calls).toEqual([]);
  });

  test('when an extension page sends a content-only message, then it is refused too', async () => {
    const reply = await dispatchBackgroundMessage(handlers, message('content:claim-fill', { ticket: 't' }), popup);
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(calls).toEqual([]);
  });

  test('when the sender could not be verified, then nothing runs', async () => {
    expect(await dispatchBackgroundMessage(handlers, message('status'), null)).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
  });

  test('when a message is not ours, then the dispatcher leaves it alone', async () => {
    expect(await dispatchBackgroundMessage(handlers, { type: 'status' }, popup)).toBeUndefined();
  });

  test('when the type is unknown, then the answer says so', async () => {
    expect(await dispatchBackgroundMessage(handlers, message('toString'), popup)).toMatchObject({
      ok: false,
      error: { code: 'unknown_message' },
    });
  });

  test('when a handler throws an ExtensionError, then its code and message reach the caller; other errors are hidden', async () => {
    expect(await dispatchBackgroundMessage(handlers, message('vault:reveal', { uuid: 'x' }), popup)).toEqual({
      ok: false,
      error: { code: 'locked', message: 'The vault is locked.' },
    });
    const unexpected: unknown[] = [];
    const reply = await dispatchBackgroundMessage(handlers, message('vault:sync'), popup, (e) => unexpected.push(e));
    expect(JSON.stringify(reply)).not.toContain('/secret/path');
    expect(unexpected).toHaveLength(1);
  });

  test('when the right sender kind sends, then the handler gets the verified sender', async () => {
    const reply = await dispatchBackgroundMessage(handlers, message('content:open-menu'), content);
    expect(reply).toEqual({ ok: true, value: { handled: 'content:open-menu' } });
    expect(calls[0]!.sender).toBe(content);
  });

  test('every content-script message is listed as content-only, and nothing that reveals secrets is', () => {
    const contentTypes = Object.entries(backgroundSenderPolicy).filter(([, from]) => from === 'content').map(([type]) => type);
    expect(contentTypes.every((type) => type.startsWith('content:'))).toBe(true);
    expect(contentTypes).not.toContain('vault:reveal');
    expect(contentTypes).not.toContain('vault:list');
  });
});
