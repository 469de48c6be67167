/**
 * The extension's toolbar button: `action` in Chrome's MV3 build, `browserAction` in Firefox's MV2
 * build (the same methods). Reaching for `browser.action` alone left Firefox without the shortcut's
 * refusal badge and without the popup a locked shortcut opens.
 */
export function toolbarButton(): typeof browser.action | undefined {
  return browser.action ?? (browser as unknown as { browserAction?: typeof browser.action }).browserAction;
}
