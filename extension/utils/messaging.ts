import { browser } from 'wxt/browser';
import {
  protocolChannel,
  unwrapReply,
  type BackgroundMessageType,
  type BackgroundProtocol,
  type ContentProtocol,
  type RequestOf,
  type ResponseOf,
  type WireMessage,
} from './protocol';

/** Ask the background (from the popup, options, the inline UI frame or a content script). */
export async function askBackground<K extends BackgroundMessageType>(
  type: K,
  payload: RequestOf<BackgroundProtocol, K>,
): Promise<ResponseOf<BackgroundProtocol, K>> {
  const message: WireMessage = { channel: protocolChannel, type, payload };
  return unwrapReply(await browser.runtime.sendMessage(message));
}

/** Ask the content script of one frame of a tab (background only). */
export async function askContent<K extends keyof ContentProtocol>(
  tabId: number,
  frameId: number,
  type: K,
  payload: RequestOf<ContentProtocol, K>,
): Promise<ResponseOf<ContentProtocol, K>> {
  const message: WireMessage = { channel: protocolChannel, type, payload };
  return unwrapReply(await browser.tabs.sendMessage(tabId, message, { frameId }));
}
