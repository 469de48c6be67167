import { serverUrlItem } from '@/utils/storage';

export type ServerStatus = { ok: true } | { ok: false; reason: string };

/** Only the background talks to the API (STYLE: extension). */
async function checkServer(): Promise<ServerStatus> {
  const base = await serverUrlItem.getValue();
  try {
    const res = await fetch(new URL('/readyz', base));
    return res.ok ? { ok: true } : { ok: false, reason: `server answered ${res.status}` };
  } catch {
    return { ok: false, reason: `cannot reach ${base}` };
  }
}

export default defineBackground(() => {
  browser.runtime.onMessage.addListener((message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'checkServer') {
      return checkServer();
    }
    return undefined;
  });
});
