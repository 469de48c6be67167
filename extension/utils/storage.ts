import { storage } from '#imports';

/** Base URL of the SecureAccess API this extension talks to (set on first run). */
export const serverUrlItem = storage.defineItem<string>('local:serverUrl', {
  fallback: 'http://127.0.0.1:8080',
  version: 1,
});
