// Seeded accounts, organizations and repositories of the simulator, and the fixed texts tests may assert on.

import type { ApiOrganization, ApiRepository, ApiUser } from './types';

/** Ids and tokens tests reference. */
export const SIM = {
  token: 'test-token',
  otherToken: 'other-token',
  userId: 7,
  otherUserId: 8,
  /** Org 1 "Acme": both users are members; three repositories. */
  orgId: 1,
  /** Org 2 "Globex": only user 7 is a member; one repository. */
  otherOrgId: 2,
  /** Org 3 exists but neither token's user is a member: 403. */
  forbiddenOrgId: 3,
  repoIds: [101, 102, 103] as const,
  repoId: 101,
  repoFullName: 'acme/widgets',
  otherOrgRepoId: 201,
  email: 'dev@example.com',
  githubUsername: 'octodev',
  fullName: 'Dev Example',
} as const;

// Error texts, exported so tests and the client's tests can match them exactly.
export const NO_REPOSITORIES_MESSAGE = 'No repositories found for organization';
export const RATE_LIMIT_MESSAGE = 'Rate limit exceeded';
export const UNAUTHORIZED_MESSAGE = 'Invalid or missing API token';
export const NOT_A_MEMBER_MESSAGE = 'You are not a member of this organization';
export const ORGANIZATION_NOT_FOUND_MESSAGE = 'Organization not found';
/** Resume of a run that is still in progress answers this status, with a `detail` naming the run's status. */
export const RUN_IN_PROGRESS_STATUS = 409;
export const NO_PULL_REQUEST_STATUS = 404;

/** Prompt markers that steer a run's final status (case-insensitive). */
export const PROMPT_MARKERS = { fail: '[fail]', pause: '[pause]', weird: '[weird]' } as const;
/** Final status of a `[weird]` run: a value the client has never seen. */
export const WEIRD_STATUS = 'WIBBLING';
/** Status the 'unknownStatus' fault puts in run payloads. */
export const UNKNOWN_FAULT_STATUS = 'QUANTUM_FLUX';
/** A log message_type outside the documented list. */
export const UNKNOWN_LOG_TYPE = 'SOMETHING_NEW';
/** Hostile content sets this window property when it ever executes. */
export const PWNED_GLOBAL = '__codegenPwned';

export const IN_PROGRESS_STATUSES: readonly string[] = ['PENDING', 'ACTIVE', 'RUNNING', 'EVALUATION'];

export const SOURCE_TYPES: readonly string[] = [
  'LOCAL', 'SLACK', 'GITHUB', 'GITHUB_CHECK_SUITE', 'GITHUB_PR_REVIEW', 'LINEAR', 'API', 'CHAT', 'JIRA', 'CLICKUP', 'MONDAY', 'SETUP_COMMANDS',
];

export const LOG_MESSAGE_TYPES: readonly string[] = [
  'ACTION', 'PLAN_EVALUATION', 'FINAL_ANSWER', 'ERROR', 'USER_MESSAGE', 'USER_GITHUB_ISSUE_COMMENT', 'INITIAL_PR_GENERATION',
  'DETECT_PR_ERRORS', 'FIX_PR_ERRORS', 'PR_CREATION_FAILED', 'PR_EVALUATION', 'COMMIT_EVALUATION', 'AGENT_RUN_LINK',
];

export interface SimAccount {
  token: string;
  /** avatar_url is filled in per request: it points at the simulator itself so nothing leaves the machine. */
  user: Omit<ApiUser, 'avatar_url'>;
  orgIds: readonly number[];
}

export const ACCOUNTS: readonly SimAccount[] = [
  {
    token: SIM.token,
    user: { id: SIM.userId, email: SIM.email, github_username: SIM.githubUsername, full_name: SIM.fullName, role: 'member' },
    orgIds: [SIM.orgId, SIM.otherOrgId],
  },
  {
    token: SIM.otherToken,
    user: { id: SIM.otherUserId, email: 'other@example.com', github_username: 'otherdev', full_name: 'Other Developer', role: 'member' },
    orgIds: [SIM.orgId],
  },
];

export const ORGANIZATIONS: readonly ApiOrganization[] = [
  { id: SIM.orgId, name: 'Acme', settings: {} },
  { id: SIM.otherOrgId, name: 'Globex', settings: {} },
  { id: SIM.forbiddenOrgId, name: 'Initech', settings: {} },
];

export type RepoInput = Pick<ApiRepository, 'id' | 'name' | 'full_name'> & Partial<ApiRepository>;

/** Fills the documented repository fields a caller left out. */
export function completeRepo(repo: RepoInput): ApiRepository {
  return {
    github_id: 900_000 + repo.id,
    setup_status: 'COMPLETE',
    language: 'TypeScript',
    visibility: 'private',
    archived: false,
    ...repo,
  };
}

export function defaultRepos(): Map<number, ApiRepository[]> {
  return new Map([
    [
      SIM.orgId,
      [
        completeRepo({ id: 101, name: 'widgets', full_name: 'acme/widgets', language: 'TypeScript' }),
        completeRepo({ id: 102, name: 'api', full_name: 'acme/api', language: 'Python' }),
        completeRepo({ id: 103, name: 'docs', full_name: 'acme/docs', language: 'Markdown', visibility: 'public' }),
      ],
    ],
    [SIM.otherOrgId, [completeRepo({ id: 201, name: 'portal', full_name: 'globex/portal', language: 'Go' })]],
    [SIM.forbiddenOrgId, [completeRepo({ id: 301, name: 'tps', full_name: 'initech/tps', language: 'Java' })]],
  ]);
}

export function accountForToken(token: string | undefined): SimAccount | undefined {
  return token === undefined ? undefined : ACCOUNTS.find((account) => account.token === token);
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same texts on every machine. */
export function randomFrom(...seeds: number[]): () => number {
  let state = 0x9e3779b9;
  for (const seed of seeds) state = Math.imul(state ^ (seed | 0), 0x85ebca6b) ^ (state >>> 13);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}
