// Chrome only: the service worker has no DOM, so clearing the clipboard happens in this offscreen
// document (created for the CLIPBOARD reason and closed right after).
import { clearClipboardInDocument, offscreenChannel } from '@/utils/background/clipboard';

browser.runtime.onMessage.addListener((message: unknown) => {
  const typed = message as { channel?: string; type?: string } | null;
  if (typed?.channel !== offscreenChannel || typed.type !== 'clear-clipboard') return undefined;
  return Promise.resolve({ cleared: clearClipboardInDocument(document) });
});
