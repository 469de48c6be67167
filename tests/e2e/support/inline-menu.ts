// Page object of the inline UI (account menu, confirmation, save bar): the extension frame the top
// page shows. What a person sees and does in it, in their words.
import type { Frame, Locator, Page } from 'playwright-core';
import { inlineFrames, waitForInlineFrame } from './browser';

/** The menu ignores clicks (and keys) for its first 400 ms after it appears. */
const clickGuardMs = 500;

export class InlineMenu {
  private constructor(
    readonly page: Page,
    readonly frame: Frame,
  ) {}

  /** The inline UI of `page`, once it is there. */
  static async of(page: Page, timeoutMs = 10_000): Promise<InlineMenu> {
    return new InlineMenu(page, await waitForInlineFrame(page, timeoutMs));
  }

  static count(page: Page): number {
    return inlineFrames(page).length;
  }

  account(username: string): Locator {
    return this.frame.getByTestId('inline-account').filter({ hasText: username });
  }

  accounts(): Locator {
    return this.frame.getByTestId('inline-account');
  }

  blocked(): Locator {
    return this.frame.getByTestId('inline-blocked');
  }

  confirmation(): Locator {
    return this.frame.getByTestId('inline-confirm');
  }

  generated(): Locator {
    return this.frame.getByTestId('inline-generated');
  }

  unlockForm(): Locator {
    return this.frame.getByTestId('inline-unlock');
  }

  async pick(username: string): Promise<void> {
    const option = this.account(username);
    await option.waitFor();
    await this.page.waitForTimeout(clickGuardMs);
    await option.click();
  }

  async confirm(): Promise<void> {
    await this.confirmation().getByRole('button', { name: 'Fill anyway' }).click();
  }

  async unlock(password: string): Promise<void> {
    const form = this.unlockForm();
    await form.waitFor();
    await this.page.waitForTimeout(clickGuardMs);
    await form.locator('input[type="password"]').fill(password);
    await form.getByRole('button', { name: 'Unlock' }).click();
  }

  /** Everything the menu says (for messages that name hosts). */
  async text(): Promise<string> {
    return (await this.frame.locator('body').textContent()) ?? '';
  }
}
