// Clears a copied secret from the clipboard after the preference's delay. A Chrome service worker
// has no DOM, so it opens an offscreen document for the write; Firefox's background page has one.
// Short delays use a timer (the worker stays alive that long); longer ones an alarm, which
// survives the worker being stopped.

import { browser } from 'wxt/browser';

export const clearClipboardAlarm = 'clear-clipboard';
export const offscreenChannel = 'secureaccess/offscreen';
const timerLimitSeconds = 25;

let timer: ReturnType<typeof setTimeout> | null = null;

/** Writes an empty string through a `copy` event: works without focus, unlike navigator.clipboard. */
export function clearClipboardInDocument(doc: Document): boolean {
  const onCopy = (event: ClipboardEvent) => {
    event.clipboardData?.setData('text/plain', '');
    event.preventDefault();
  };
  doc.addEventListener('copy', onCopy);
  try {
    return doc.execCommand('copy');
  } finally {
    doc.removeEventListener('copy', onCopy);
  }
}

type OffscreenApi = {
  hasDocument?: () => Promise<boolean>;
  createDocument: (options: { url: string; reasons: string[]; justification: string }) => Promise<void>;
  closeDocument: () => Promise<void>;
};

export async function clearClipboardNow(): Promise<void> {
  if (typeof document !== 'undefined') {
    clearClipboardInDocument(document);
    return;
  }
  const offscreen = (globalThis as unknown as { chrome?: { offscreen?: OffscreenApi } }).chrome?.offscreen;
  if (!offscreen) return;
  const url = browser.runtime.getURL('/offscreen.html');
  if (!(await offscreen.hasDocument?.())) {
    await offscreen.createDocument({ url, reasons: ['CLIPBOARD'], justification: 'Clear a copied password from the clipboard' });
  }
  try {
    await browser.runtime.sendMessage({ channel: offscreenChannel, type: 'clear-clipboard' });
  } finally {
    await offscreen.closeDocument().catch(() => undefined);
  }
}

export async function scheduleClipboardClear(delaySeconds: number): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  await browser.alarms.clear(clearClipboardAlarm);
  if (delaySeconds <= 0) return;
  if (delaySeconds <= timerLimitSeconds) {
    timer = setTimeout(() => {
      timer = null;
      void clearClipboardNow();
    }, delaySeconds * 1000);
  } else {
    await browser.alarms.create(clearClipboardAlarm, { when: Date.now() + delaySeconds * 1000 });
  }
}
