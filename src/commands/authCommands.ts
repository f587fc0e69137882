// "Set API token", "Sign out" and "Select organization".
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { Organization, User } from '../api/types';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import type { Interaction } from '../ui/interaction';
import type { Log } from '../util/log';
import { showError } from '../ui/showError';
import { TOKEN_URL } from '../util/errorAdvice';

/** At most this many organization pages are read for the picker (100 per page). */
const MAX_ORGANIZATION_PAGES = 10;

export function registerAuthCommands(
  session: Session,
  settings: Settings,
  interaction: Interaction,
  log: Log,
): vscode.Disposable[] {
  const describeUser = (user: User): string =>
    user.fullName && user.email ? `${user.fullName} (${user.email})` : user.email ?? user.githubUsername ?? user.fullName ?? `user ${user.id}`;

  const setToken = async (): Promise<boolean> => {
    const token = await interaction.showInput({
      title: 'Codegen: Set API token',
      prompt: `Paste your Codegen API token (create one at ${TOKEN_URL}). It is kept in VS Code's secret storage.`,
      placeHolder: 'API token',
      password: true,
      validate: (value) => (value.trim() === '' ? 'Enter a token.' : /\s/.test(value.trim()) ? 'A token has no spaces.' : undefined),
    });
    if (token === undefined || token.trim() === '') return false;
    let user: User;
    try {
      user = await session.verifyToken(token);
    } catch (error) {
      if (isApiError(error, 'unauthorized') || isApiError(error, 'forbidden')) {
        log.warn('The token was rejected by Codegen; it was not saved.');
        await interaction.showMessage({ severity: 'error', message: 'Codegen rejected that API token (401): it was not saved. Check that you copied the whole token.', actions: [] });
        return false;
      }
      if (isApiError(error, 'network') || isApiError(error, 'timeout') || isApiError(error, 'server')) {
        const choice = await interaction.showMessage({
          severity: 'warning',
          modal: true,
          message: 'Codegen could not be reached to verify the token.',
          detail: `${error.message}\n\nSave it anyway? It will be used when the service answers again.`,
          actions: ['Save without verifying'],
        });
        if (choice !== 'Save without verifying') return false;
        await session.storeToken(token);
        log.info('Token saved without verification (service unreachable).');
        void interaction.showMessage({ severity: 'warning', message: 'Codegen API token saved, but not verified: the service could not be reached.' });
        return true;
      }
      await showError(interaction, log, error, 'Checking the token');
      return false;
    }
    await session.storeToken(token, user);
    log.info(`Signed in to Codegen as user ${user.id}.`);
    void interaction.showMessage({ severity: 'info', message: `Signed in to Codegen as ${describeUser(user)}.` });
    if (settings.organizationId === undefined) await selectOrganization(true);
    return true;
  };

  const signOut = async (): Promise<void> => {
    await session.signOut();
    log.info('Signed out of Codegen: the token was deleted from secret storage.');
    void interaction.showMessage({ severity: 'info', message: 'Signed out of Codegen. Your API token was removed from this machine.' });
  };

  /** Returns the chosen organization id; with exactly one organization it is chosen without asking. */
  const selectOrganization = async (afterSignIn = false): Promise<number | undefined> => {
    if (!session.isSignedIn) {
      const choice = await interaction.showMessage({ severity: 'warning', message: 'Set your Codegen API token first.', actions: ['Set API token'] });
      if (choice === 'Set API token') await vscode.commands.executeCommand('codegen.setToken');
      return undefined;
    }
    let organizations: Organization[];
    try {
      organizations = await listAllOrganizations(session);
    } catch (error) {
      await showError(interaction, log, error, 'Listing your organizations');
      return undefined;
    }
    if (organizations.length === 0) {
      await interaction.showMessage({ severity: 'warning', message: 'Your Codegen account belongs to no organization. Create or join one in the Codegen web app.' });
      return undefined;
    }
    let chosen: Organization | undefined;
    if (organizations.length === 1) {
      chosen = organizations[0];
    } else {
      const current = settings.organizationId;
      chosen = await interaction.showPick(
        organizations.map((org) => ({
          label: org.name ?? `Organization ${org.id}`,
          description: `#${org.id}${org.id === current ? ' · current' : ''}`,
          value: org,
        })),
        { title: 'Codegen: Select organization', placeHolder: afterSignIn ? 'Which organization should runs go to?' : 'Choose the organization for new runs and the Runs view' },
      );
    }
    if (!chosen) return undefined;
    await settings.setOrganizationId(chosen.id);
    log.info(`Organization set to ${chosen.id}.`);
    if (organizations.length === 1) {
      void interaction.showMessage({ severity: 'info', message: `Using your Codegen organization ${chosen.name ?? `#${chosen.id}`}.` });
    }
    return chosen.id;
  };

  return [
    vscode.commands.registerCommand('codegen.setToken', setToken),
    vscode.commands.registerCommand('codegen.signOut', signOut),
    vscode.commands.registerCommand('codegen.selectOrganization', () => selectOrganization(false)),
  ];
}

async function listAllOrganizations(session: Session): Promise<Organization[]> {
  const all: Organization[] = [];
  for (let page = 0; page < MAX_ORGANIZATION_PAGES; page++) {
    const result = await session.api.listOrganizations({ skip: page * 100, limit: 100 });
    all.push(...result.items);
    const pages = result.pages ?? 1;
    if (result.items.length < 100 || page + 1 >= pages) break;
  }
  return all;
}
