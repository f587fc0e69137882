// What to tell the user about a failure, and which action fixes it. Pure, so it is unit-tested.
import { settingId, Settings } from '../ids';
import { isApiError } from '../api/errors';

export const WEB_APP = 'https://codegen.com';
export const TOKEN_URL = `${WEB_APP}/token`;
export const BILLING_URL = `${WEB_APP}/settings/billing`;
export const REPOSITORIES_URL = `${WEB_APP}/repos`;

export type FixAction =
  | { kind: 'setToken'; label: 'Set API token' }
  | { kind: 'selectOrganization'; label: 'Select organization' }
  | { kind: 'openUrl'; label: string; url: string }
  | { kind: 'openSettings'; label: 'Open settings'; query: string }
  | { kind: 'showLog'; label: 'Show log' };

export interface ErrorAdvice {
  message: string;
  actions: FixAction[];
}

export function adviseOnError(error: unknown, what: string): ErrorAdvice {
  if (!isApiError(error)) {
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'SettingsError') {
      return { message: text, actions: [{ kind: 'openSettings', label: 'Open settings', query: settingId(Settings.apiBaseUrl) }] };
    }
    return { message: `${what} failed: ${text}`, actions: [{ kind: 'showLog', label: 'Show log' }] };
  }
  switch (error.kind) {
    case 'unauthorized':
      return { message: `${what} failed: Codegen did not accept your API token.`, actions: [{ kind: 'setToken', label: 'Set API token' }] };
    case 'billing':
      return { message: `${what} failed: your organization has reached its Codegen billing limit.`, actions: [{ kind: 'openUrl', label: 'Open billing', url: BILLING_URL }] };
    case 'forbidden':
      return { message: `${what} failed: you do not have access to this Codegen organization. ${error.message}`, actions: [{ kind: 'selectOrganization', label: 'Select organization' }] };
    case 'noRepositories':
      return { message: `${what} failed: the organization has no repositories set up in Codegen.`, actions: [{ kind: 'openUrl', label: 'Open repository settings', url: REPOSITORIES_URL }] };
    case 'invalid': {
      const fields = error.details.fields ?? [];
      const list = fields.map((f) => `${f.location}: ${f.message}`).join('; ');
      return { message: `${what} failed: Codegen rejected the request${list ? ` (${list})` : `: ${error.message}`}.`, actions: [{ kind: 'showLog', label: 'Show log' }] };
    }
    case 'notFound':
    case 'rateLimited':
    case 'server':
    case 'network':
    case 'timeout':
    case 'malformed':
      return { message: `${what} failed: ${error.message}`, actions: [{ kind: 'showLog', label: 'Show log' }] };
    case 'cancelled':
      return { message: `${what} was cancelled.`, actions: [] };
  }
}
