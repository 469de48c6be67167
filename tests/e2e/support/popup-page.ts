// Page object of the popup: what a person does in it, in their words.
import type { Locator, Page } from 'playwright-core';

export interface Person {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

export class PopupPage {
  constructor(readonly page: Page) {}

  phase(): Promise<string | null> {
    return this.page.locator('.popup').getAttribute('data-phase');
  }

  async waitForPhase(phase: 'setup' | 'logged-out' | 'locked' | 'unlocked', timeoutMs = 30_000): Promise<void> {
    await this.page.locator(`.popup[data-phase="${phase}"]`).waitFor({ timeout: timeoutMs });
  }

  async setUpServer(url: string): Promise<string> {
    await this.page.locator('input[name="serverUrl"]').fill(url);
    await this.page.getByRole('button', { name: 'Continue' }).click();
    const status = this.page.locator('.sa-alert');
    await status.first().waitFor();
    return (await status.first().textContent()) ?? '';
  }

  async signUp(person: Person): Promise<string> {
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.page.locator('input[name="firstName"]').fill(person.firstName);
    await this.page.locator('input[name="lastName"]').fill(person.lastName);
    await this.page.locator('input[name="email"]').fill(person.email);
    await this.page.locator('input[name="password"]').fill(person.password);
    await this.page.locator('input[name="confirm"]').fill(person.password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    const code = this.page.getByTestId('recovery-code');
    await code.waitFor({ timeout: 60_000 });
    const text = (await code.textContent()) ?? '';
    await this.page.locator('input[name="savedRecovery"]').check();
    await this.page.getByRole('button', { name: 'Continue to my vault' }).click();
    await this.waitForPhase('unlocked');
    return text;
  }

  async logIn(email: string, password: string): Promise<void> {
    await this.page.locator('input[name="email"]').fill(email);
    await this.page.locator('input[name="password"]').fill(password);
    await this.page.getByRole('button', { name: 'Log in' }).click();
  }

  async unlock(password: string): Promise<void> {
    await this.page.locator('input[name="password"]').fill(password);
    await this.page.getByRole('button', { name: 'Unlock' }).click();
  }

  async lock(): Promise<void> {
    await this.page.getByTestId('lock').click();
    await this.waitForPhase('locked');
  }

  async logOut(): Promise<void> {
    await this.page.getByTestId('logout').click();
    await this.waitForPhase('logged-out');
  }

  error(): Locator {
    return this.page.locator('.sa-alert-error');
  }

  account(username: string): Locator {
    return this.page.getByTestId('account').filter({ has: this.page.getByTestId('account-username').getByText(username, { exact: true }) });
  }

  /** Runs one of a row's actions: its primary button when that is the one, else through its "more actions" menu. */
  async accountAction(username: string, name: string): Promise<void> {
    const row = this.account(username);
    const direct = row.getByRole('button', { name, exact: true });
    if ((await direct.count()) > 0) return direct.click();
    await row.getByTestId('more-actions').click();
    await row.getByRole('menuitem', { name, exact: true }).click();
  }

  matchingAccounts(): Locator {
    return this.page.getByTestId('matching-accounts').getByTestId('account');
  }

  async fill(username: string): Promise<void> {
    await this.page.getByTestId('matching-accounts').getByTestId('account')
      .filter({ has: this.page.getByTestId('account-username').getByText(username, { exact: true }) })
      .getByTestId('fill')
      .click();
  }

  async addAccount(fields: { url: string; username: string; password: string }): Promise<void> {
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
    const form = this.page.getByTestId('account-form');
    await form.locator('input[name="url"]').fill(fields.url);
    await form.locator('input[name="username"]').fill(fields.username);
    await form.locator('input[name="password"]').fill(fields.password);
    await form.getByRole('button', { name: 'Save' }).click();
    await this.page.getByTestId('popup-message').getByText('Saved.').waitFor();
  }
}
