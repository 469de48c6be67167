import { clearClipboardAlarm, clearClipboardNow } from '@/utils/background/clipboard';
import { fillFromShortcut, forgetTab, openMenuFromContextMenu } from '@/utils/background/fill-service';
import { backgroundHandlers } from '@/utils/background/handlers';
import { extensionOrigin, lockIfIdle, onLock, onUnlock } from '@/utils/background/session';
import { toolbarButton } from '@/utils/background/toolbar';
import { syncIfStale } from '@/utils/background/vault-service';
import { z } from 'zod';
import { applyLanguage, t } from '@/utils/i18n';
import { displayItem } from '@/utils/storage';
import { dispatchBackgroundMessage, isWireMessage, verifySender } from '@/utils/protocol';

const autoLockAlarm = 'auto-lock';
const autoLockPeriodMinutes = 1;
const syncAlarm = 'sync';
const syncPeriodMinutes = 5;
const fillMenuId = 'secureaccess-fill';

// Only the background talks to the API and holds keys (STYLE: extension). Everything else asks
// through the handler map; the sender is checked before any handler runs.
// The contract's schemas parse API answers here; zod's JIT compiles with `new Function`, which the
// extension CSP forbids (and web-ext lint flags), so run it in its interpreter mode.
z.config({ jitless: true });

export default defineBackground(() => {
  // Messages the background writes (errors, the context menu) follow the chosen language; a
  // worker woken by a message answers only once that language is loaded.
  const languageReady = displayItem.getValue().then((display) => applyLanguage(display.language)).catch(() => undefined);
  displayItem.watch((display) => {
    void applyLanguage(display.language)
      .catch(() => undefined)
      .then(() => browser.contextMenus.update(fillMenuId, { title: t('contextMenuFill') }))
      .catch(() => undefined);
  });

  browser.runtime.onMessage.addListener((message, sender) => {
    if (!isWireMessage(message)) return undefined; // e.g. the offscreen document's own channel
    const verified = verifySender(sender, browser.runtime.id, extensionOrigin());
    return languageReady
      .then(() =>
        dispatchBackgroundMessage(backgroundHandlers, message, verified, (error) => {
          console.error('SecureAccess background error', error);
        }),
      )
      .then((reply) => reply);
  });

  browser.alarms.create(autoLockAlarm, { periodInMinutes: autoLockPeriodMinutes });
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === autoLockAlarm) void lockIfIdle();
    if (alarm.name === syncAlarm) void syncIfStale();
    if (alarm.name === clearClipboardAlarm) void clearClipboardNow();
  });
  onUnlock(() => {
    void browser.alarms.create(syncAlarm, { periodInMinutes: syncPeriodMinutes });
    void toolbarButton()?.setBadgeText({ text: '' });
  });
  onLock(() => {
    void browser.alarms.clear(syncAlarm);
  });
  // A service worker woken after a long idle period locks before answering anything.
  void lockIfIdle();

  browser.runtime.onInstalled.addListener(() => {
    void languageReady.then(() => browser.contextMenus.create({ id: fillMenuId, title: t('contextMenuFill'), contexts: ['editable'] }));
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== fillMenuId || tab?.id === undefined) return;
    void openMenuFromContextMenu(tab.id, info.frameId ?? 0);
  });

  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== 'fill-login') return;
    void (async () => {
      const target = tab?.id !== undefined ? tab : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
      if (target?.id === undefined || !target.url) return;
      const outcome = await fillFromShortcut(target.id, target.url).catch(() => null);
      if (outcome && outcome.status !== 'filled' && outcome.status !== 'confirm') {
        await toolbarButton()?.setBadgeText({ tabId: target.id, text: '!' });
        await toolbarButton()?.setTitle({ tabId: target.id, title: `SecureAccess: ${outcome.message}` });
      }
    })();
  });

  browser.tabs.onRemoved.addListener((tabId) => {
    void forgetTab(tabId);
  });
});
