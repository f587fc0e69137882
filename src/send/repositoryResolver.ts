// Which Codegen repository a git remote's `owner/name` is: the organization's repositories (GET
// /v1/organizations/{org}/repos, every page) matched on `full_name`, case-insensitively. The list is cached
// per organization for a few minutes so that sending work twice does not list the repositories twice.
// No vscode here: unit-tested against the simulator.
import type { CallOptions, CodegenApi, Repository } from '../api/types';
import type { Clock } from '../util/clock';

export const REPOSITORY_CACHE_MS = 5 * 60_000;
export const REPOSITORY_PAGE_SIZE = 100;
/** 2,000 repositories; an organization with more is matched against the first 2,000 only. */
export const MAX_REPOSITORY_PAGES = 20;

export interface RepositoryResolverOptions {
  cacheMs?: number;
  pageSize?: number;
  maxPages?: number;
}

interface CacheEntry {
  fetchedAt: number;
  repositories: Promise<Repository[]>;
}

export class RepositoryResolver {
  private readonly cache = new Map<number, CacheEntry>();
  private readonly cacheMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;

  constructor(
    private readonly api: Pick<CodegenApi, 'listRepositories'>,
    private readonly clock: Clock,
    options: RepositoryResolverOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? REPOSITORY_CACHE_MS;
    this.pageSize = Math.min(100, Math.max(1, Math.floor(options.pageSize ?? REPOSITORY_PAGE_SIZE)));
    this.maxPages = Math.max(1, Math.floor(options.maxPages ?? MAX_REPOSITORY_PAGES));
  }

  /** The organization's repository whose full_name is `fullName` (any case), or undefined. Rejects when listing fails. */
  async findByFullName(orgId: number, fullName: string, options?: CallOptions): Promise<Repository | undefined> {
    const wanted = fullName.trim().toLowerCase();
    if (wanted === '') return undefined;
    const repositories = await this.repositoriesOf(orgId, options);
    return repositories.find((repository) => repository.fullName?.trim().toLowerCase() === wanted);
  }

  /** Forgets cached lists (all, or one organization's), e.g. when the account changes. */
  clear(orgId?: number): void {
    if (orgId === undefined) this.cache.clear();
    else this.cache.delete(orgId);
  }

  private repositoriesOf(orgId: number, options?: CallOptions): Promise<Repository[]> {
    const cached = this.cache.get(orgId);
    if (cached && this.clock.now() - cached.fetchedAt < this.cacheMs) return cached.repositories;
    const entry: CacheEntry = { fetchedAt: this.clock.now(), repositories: this.listAll(orgId, options) };
    this.cache.set(orgId, entry);
    // A failed listing is not cached: the next send tries again.
    entry.repositories.catch(() => {
      if (this.cache.get(orgId) === entry) this.cache.delete(orgId);
    });
    return entry.repositories;
  }

  private async listAll(orgId: number, options?: CallOptions): Promise<Repository[]> {
    const all: Repository[] = [];
    for (let page = 0; page < this.maxPages; page++) {
      const answer = await this.api.listRepositories(orgId, { skip: page * this.pageSize, limit: this.pageSize }, options);
      all.push(...answer.items);
      const total = typeof answer.total === 'number' ? answer.total : undefined;
      if (answer.items.length < this.pageSize || (total !== undefined && all.length >= total)) break;
    }
    return all;
  }
}
