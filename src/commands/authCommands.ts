// "Set API token", "Sign out" and "Select organization".
import * as vscode from 'vscode';
import { isApiError } from '../api/errors';
import type { Organization, User } from '../api/types';
import type { Session } from '../auth/session';
import type { Settings } from '../config/settings';
import { Commands } from '../ids';
import type { Interaction } from '../ui/interaction';
import { showError } from '../ui/showError';
import { TOKEN_URL } from '../util/errorAdvice';
import type { Log } from '../util/log';
import { serviceLabel } from '../util/serviceText';

export interface AuthCommandsDeps {
  session: Session;
  settings: Settings;
  interaction: Interaction;
  log: Log;
}

export interface AuthCommands {
  setToken(): Promise<boolean>;
  signOut(): Promise<void>;
  selectOrganization(afterSignIn?: boolean): Promise<number | undefined>;
}

/** At most this many organization pages are read for the picker (100 per page). */
const MAX_ORGANIZATION_PAGES = 10;

export function createAuthCommands(deps: AuthCommandsDeps): AuthCommands {
  const { session, settings, interaction, log } = deps;
  const describeUser = (user: User): string =>
    serviceLabel(user.fullName && user.email ? `${user.fullName} (${user.email})` : (user.email ?? user.githubUsername ?? user.fullName), 120) || vscode.l10n.t('user {0}', user.id);

  const setToken = async (): Promise<boolean> => {
    const token = await interaction.showInput({
      title: vscode.l10n.t('Codegen: Set API token'),
      prompt: vscode.l10n.t("Paste your Codegen API token (create one at {0}). It is kept in VS Code's secret storage.", TOKEN_URL),
      placeHolder: vscode.l10n.t('API token'),
      password: true,
      validate: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a token.') : /\s/.test(value.trim()) ? vscode.l10n.t('A token has no spaces.') : undefined),
    });
    if (token === undefined || token.trim() === '') return false;
    let user: User;
    try {
      user = await session.verifyToken(token);
    } catch (error) {
      if (isApiError(error, 'unauthorized') || isApiError(error, 'forbidden')) {
        log.warn('The token was rejected by Codegen; it was not saved.');
        await interaction.showMessage({ severity: 'error', message: vscode.l10n.t('Codegen rejected that API token (401): it was not saved. Check that you copied the whole token.'), actions: [] });
        return false;
      }
      if (isApiError(error, 'network') || isApiError(error, 'timeout') || isApiError(error, 'server')) {
        const saveWithoutVerifying = vscode.l10n.t('Save without verifying');
        const choice = await interaction.showMessage({
          severity: 'warning',
          modal: true,
          message: vscode.l10n.t('Codegen could not be reached to verify the token.'),
          detail: vscode.l10n.t('{0}\n\nSave it anyway? It will be used when the service answers again.', error instanceof Error ? error.message : String(error)),
          actions: [saveWithoutVerifying],
        });
        if (choice !== saveWithoutVerifying) return false;
        await session.storeToken(token);
        log.info('Token saved without verification (service unreachable).');
        void interaction.showMessage({ severity: 'warning', message: vscode.l10n.t('Codegen API token saved, but not verified: the service could not be reached.') });
        return true;
      }
      await showError(interaction, log, error, 'Checking the token');
      return false;
    }
    await session.storeToken(token, user);
    log.info(`Signed in to Codegen as user ${user.id}.`);
    void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Signed in to Codegen as {0}.', describeUser(user)) });
    if (settings.organizationId === undefined) await selectOrganization(true);
    return true;
  };

  const signOut = async (): Promise<void> => {
    await session.signOut();
    log.info('Signed out of Codegen: the token was deleted from secret storage.');
    void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Signed out of Codegen. Your API token was removed from this machine.') });
  };

  /** Returns the chosen organization id; with exactly one organization it is chosen without asking. */
  const selectOrganization = async (afterSignIn = false): Promise<number | undefined> => {
    if (!session.isSignedIn) {
      const setTokenAction = vscode.l10n.t('Set API token');
      const choice = await interaction.showMessage({ severity: 'warning', message: vscode.l10n.t('Set your Codegen API token first.'), actions: [setTokenAction] });
      if (choice === setTokenAction) await vscode.commands.executeCommand(Commands.setToken);
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
      await interaction.showMessage({ severity: 'warning', message: vscode.l10n.t('Your Codegen account belongs to no organization. Create or join one in the Codegen web app.') });
      return undefined;
    }
    let chosen: Organization | undefined;
    if (organizations.length === 1) {
      chosen = organizations[0];
    } else {
      const current = settings.organizationId;
      chosen = await interaction.showPick(
        organizations.map((org) => ({
          label: serviceLabel(org.name, 120) || vscode.l10n.t('Organization {0}', org.id),
          description: org.id === current ? vscode.l10n.t('#{0} · current', org.id) : `#${org.id}`,
          value: org,
        })),
        {
          title: vscode.l10n.t('Codegen: Select organization'),
          placeHolder: afterSignIn ? vscode.l10n.t('Which organization should runs go to?') : vscode.l10n.t('Choose the organization for new runs and the Runs view'),
        },
      );
    }
    if (!chosen) return undefined;
    await settings.setOrganizationId(chosen.id);
    log.info(`Organization set to ${chosen.id}.`);
    if (organizations.length === 1) {
      void interaction.showMessage({ severity: 'info', message: vscode.l10n.t('Using your Codegen organization {0}.', serviceLabel(chosen.name, 120) || `#${chosen.id}`) });
    }
    return chosen.id;
  };

  return { setToken, signOut, selectOrganization };
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
