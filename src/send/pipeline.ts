// The one send pipeline. Every way work reaches Codegen (the commands, quick fixes, TODO comments, chat,
// agent-mode tools, the API for other extensions) goes through these steps, so no guard can be skipped:
//   ready (signed in, organization) -> request -> prompt (context) -> size guard -> review -> secret scan
//   -> repository decision -> create -> the run in the tree at once.
// Each entry point answers the pipeline's questions through its SendDialogs; the pipeline itself never
// touches vscode. Git and the repository lookup run while the user types the request.

import { isApiError } from '../api/errors';
import type { AgentRun, CreateRunInput } from '../api/types';
import { attemptCount, attemptMetadata, newAttemptGroupId } from '../runs/attempts';
import { baseBranchMetadata, planBaseBranch, pushPlannedBaseBranch, scanBaseBranch, withdrawBaseBranch } from './baseBranchStep';
import { buildPrompt, buildTrimmed, planPrompt, sourceTextOf } from './prepare';
import { lookUpRepository, type RepositoryLookup } from './repositoryDecision';
import { RepositoryResolver } from './repositoryResolver';
import type { LocatedFinding } from './secretFindings';
import { scanPrompt } from './secretGuard';
import type { GitContext, NotSentReason, PickedRequest, SendDialogs, SendHost, SendInput, SendOutcome } from './sendTypes';

export class SendPipeline {
  private readonly repositories: RepositoryResolver;

  constructor(private readonly host: SendHost) {
    this.repositories = new RepositoryResolver(host.api, host.clock);
  }

  /** Another token or organization may see other repositories. */
  forgetRepositories(): void {
    this.repositories.clear();
  }

  async send(input: SendInput, dialogs: SendDialogs): Promise<SendOutcome> {
    const { host } = this;
    const orgId = await this.ready(dialogs);
    if (orgId === undefined) return this.notSent(dialogs, 'notReady');

    const git = input.target.git().catch((error: unknown): GitContext | undefined => {
      host.log.debug(`Git information unavailable: ${messageOf(error)}`);
      return undefined;
    });
    const repository = git.then((info) =>
      lookUpRepository({ orgId, settingRepoId: input.overrides?.repoId ?? host.settings.repositoryId(), git: info, resolver: this.repositories }),
    );

    const picked = input.request ?? (await dialogs.pickRequest(input));
    if (!picked || picked.request.trim() === '') return this.notSent(dialogs, 'noRequest');

    // The repository decision chose the remote (chooseRemote): the prompt names that one.
    const lookup = await repository;
    const gitInfo = withChosenRemote(await git, lookup);
    // "Start from my uncommitted changes…" chosen in the picker (the files confirmed) or explicitly requested; the prompt names the branch.
    const base = await planBaseBranch(host.gitRunner, gitInfo, input, picked, dialogs, lookup.kind === 'chosen' ? lookup.remote : undefined, host.log);
    if (base.kind === 'stop') return this.notSent(dialogs, base.cancelled ? 'cancelled' : 'baseBranch', base.message);
    const basePlan = base.kind === 'planned' ? base.plan : undefined;
    const requestText = basePlan ? `${picked.request}\n\n${basePlan.sentence}` : picked.request;
    const maxChars = input.maxChars ?? host.settings.maxChars();
    const plan = planPrompt(input.target, requestText, gitInfo, maxChars, host.extensionVersion);
    let built = buildPrompt(plan);
    if (built.overLimit) {
      const choice = await dialogs.overLimit({ charCount: built.charCount, maxChars, stage: plan.kind === 'document' ? 'code' : 'request' });
      if (choice === 'cancel') return this.notSent(dialogs, 'overLimit', `The prompt is ${built.charCount} characters, over the limit of ${maxChars}.`);
      if (choice === 'trim') {
        built = buildTrimmed(plan);
        if (built.overLimit && (await dialogs.overLimit({ charCount: built.charCount, maxChars, stage: 'request' })) !== 'send') {
          return this.notSent(dialogs, 'overLimit', `Even without the code the prompt is ${built.charCount} characters.`);
        }
      }
    }
    // Where the work came from: the API's runs say so in `source`, every run names its entry point.
    const metadata: Record<string, unknown> = { ...(input.metadata ?? {}), ...built.metadata, source: input.origin === 'api' ? 'vscode-api' : 'vscode', entry_point: input.origin };
    if (basePlan) Object.assign(metadata, baseBranchMetadata(basePlan));

    let prompt = built.prompt;
    if (dialogs.review && host.settings.reviewBeforeSend()) {
      const reviewed = await dialogs.review(prompt);
      if (reviewed === undefined || reviewed.trim() === '') return this.notSent(dialogs, 'reviewCancelled');
      prompt = reviewed;
    }

    const source = input.target.kind === 'document' ? sourceTextOf(input.target, metadata) : undefined;
    let findings: LocatedFinding[];
    try {
      findings = await scanPrompt(host.scanner(), prompt, metadata, source);
      if (basePlan) findings = [...findings, ...(await scanBaseBranch(host.scanner(), basePlan))];
    } catch (error) {
      host.log.error(`The secret scan could not run: ${messageOf(error)}`);
      if (!(await dialogs.scanFailed(messageOf(error)))) return this.notSent(dialogs, 'scanFailed');
      findings = [];
    }
    if (findings.length > 0 && !(await dialogs.secretsFound(findings))) {
      return this.notSent(dialogs, 'secrets', findings.map((f) => `${f.kind} ${f.where}`).join(', '));
    }

    const repoId = await this.decideRepository(lookup, dialogs);
    if (repoId === false) return this.notSent(dialogs, 'repositoryLookup');
    if (repoId === 'access') return this.notSent(dialogs, 'access');

    const runInput: CreateRunInput = { prompt, metadata };
    if (repoId !== undefined) runInput.repoId = repoId;
    const model = input.overrides?.model ?? host.settings.model();
    if (model !== undefined) runInput.model = model;
    const agentType = input.overrides?.agentType ?? host.settings.agentType();
    if (agentType !== undefined) runInput.agentType = agentType;
    if (picked.images.length > 0) runInput.images = picked.images.map((image) => image.dataUri);
    const attempts = attemptCount(input.attempts ?? picked.attempts);
    const createAll = (): Promise<SendOutcome> =>
      attempts !== undefined ? this.createAttempts(orgId, runInput, attempts, built.title, picked, dialogs) : this.create(orgId, runInput, built.title, picked, dialogs);
    if (basePlan && host.gitRunner) {
      // One base branch for the whole request (every attempt starts from it); withdrawn when no run was made.
      const refused = await pushPlannedBaseBranch(host.gitRunner, basePlan);
      if (refused !== undefined) {
        await dialogs.failed(new Error(refused), 'Pushing your uncommitted changes');
        return this.notSent(dialogs, 'baseBranch', refused);
      }
      const outcome = await createAll();
      if (outcome.kind === 'notSent') await withdrawBaseBranch(host.gitRunner, basePlan, host.log);
      return outcome;
    }
    return createAll();
  }

  private async ready(dialogs: SendDialogs): Promise<number | undefined> {
    const readiness = this.host.readiness();
    if (readiness.kind === 'ready') return readiness.organizationId;
    return dialogs.fixReadiness(readiness);
  }

  /** The repo_id to send (undefined: the organization's default), false when the user stops, 'access' for 401/403. */
  private async decideRepository(lookup: RepositoryLookup, dialogs: SendDialogs): Promise<number | undefined | false | 'access'> {
    switch (lookup.kind) {
      case 'chosen':
        this.host.log.info(`Repository: ${lookup.why}.`);
        return lookup.repoId;
      case 'access':
        this.host.log.warn(`Looking up the repository ${lookup.fullName} was refused: ${messageOf(lookup.error)}`);
        await dialogs.accessProblem(lookup.error, 'Looking up the repository');
        return 'access';
      case 'failed':
        this.host.log.warn(`Looking up the repository ${lookup.fullName} failed: ${lookup.message}`);
        return (await dialogs.repositoryLookupFailed(lookup.fullName, lookup.message)) ? undefined : false;
    }
  }

  private async create(orgId: number, input: CreateRunInput, title: string, picked: PickedRequest, dialogs: SendDialogs, attempt?: { attempt: number; count: number }): Promise<SendOutcome> {
    const { host } = this;
    for (;;) {
      host.log.info(
        `Creating a Codegen run in organization ${orgId}: ${input.prompt.length} characters${input.images ? `, ${input.images.length} image(s)` : ''}${input.repoId !== undefined ? `, repository ${input.repoId}` : ''}.`,
      );
      const outcome = await dialogs.creating((signal) => host.api.createRun(orgId, input, { signal }), attempt);
      if ('value' in outcome) return this.created(outcome.value, title, picked, dialogs);
      const { error } = outcome;
      const kind = isApiError(error) ? error.kind : undefined;
      const message = messageOf(error);
      // A 2xx whose body could not be read: the run was created.
      const malformedSuccess = isApiError(error, 'malformed') && (error.status ?? 0) >= 200 && (error.status ?? 0) < 300;
      if (outcome.cancelledWhileSending || (isApiError(error) && error.details.mayHaveBeenCreated === true) || malformedSuccess) {
        host.log.warn(`Creating the run may have succeeded: ${message}`);
        host.refreshSoon();
        dialogs.mayExist();
        return { kind: 'mayExist' };
      }
      if (kind === 'cancelled') return this.notSent(dialogs, 'cancelled');
      if (kind === 'unauthorized' || kind === 'forbidden') {
        await dialogs.accessProblem(error, 'Creating the Codegen run');
        return this.notSent(dialogs, 'access', message);
      }
      if (kind === 'network' || kind === 'timeout' || kind === 'rateLimited') {
        host.log.error(`Creating the Codegen run failed: ${message}`);
        if ((await dialogs.createFailed(message)) === 'retry') continue;
        return this.notSent(dialogs, 'failed', message);
      }
      await dialogs.failed(error, 'Creating the Codegen run');
      return this.notSent(dialogs, 'failed', message);
    }
  }

  /**
   * Several agents on one request: the prompt that passed the guards above (once, for the whole group) sent
   * as `count` creates, one after the other, each tagged with the group and its attempt number. The create
   * limit paces them (the rate governor waits; the progress shows the wait). A create that fails stops the
   * group: the runs already created are kept and the outcome says how many of them there are.
   */
  private async createAttempts(orgId: number, input: CreateRunInput, count: number, title: string, picked: PickedRequest, dialogs: SendDialogs): Promise<SendOutcome> {
    const group = newAttemptGroupId();
    const runs: AgentRun[] = [];
    for (let attempt = 1; attempt <= count; attempt++) {
      this.host.log.info(`Several agents: attempt ${attempt} of ${count} (group ${group}).`);
      const outcome = await this.create(orgId, { ...input, metadata: attemptMetadata(input.metadata ?? {}, group, attempt) }, title, picked, dialogs, { attempt, count });
      if (outcome.kind !== 'created') {
        if (runs.length === 0) return outcome;
        const message = `${runs.length} of ${count} agents were started; attempt ${attempt} was not (${outcome.kind === 'notSent' ? (outcome.message ?? outcome.reason) : 'it may exist'}).`;
        this.host.log.warn(message);
        return { kind: 'created', run: runs[0]!, title, attempts: { group, runs, incomplete: message } };
      }
      runs.push(outcome.run);
    }
    return { kind: 'created', run: runs[0]!, title, attempts: { group, runs } };
  }

  private async created(run: AgentRun, title: string, picked: PickedRequest, dialogs: SendDialogs): Promise<SendOutcome> {
    // Into the tree before anything else: no list call, reveal or toast comes first.
    this.host.runCreated(run);
    this.host.log.info(`Created Codegen run ${run.id}.`);
    dialogs.created(run, title);
    if (picked.typed !== '') await this.host.history.add(picked.typed);
    return { kind: 'created', run, title };
  }

  private notSent(dialogs: SendDialogs, reason: NotSentReason, message?: string): SendOutcome {
    this.host.log.info(`Nothing was sent to Codegen (${reason})${message ? `: ${message}` : ''}.`);
    dialogs.notSent?.(reason);
    return message === undefined ? { kind: 'notSent', reason } : { kind: 'notSent', reason, message };
  }
}

function withChosenRemote(git: GitContext | undefined, lookup: RepositoryLookup): GitContext | undefined {
  return git && lookup.kind === 'chosen' && lookup.remote ? { ...git, remoteUrl: lookup.remote.fetchUrl } : git;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
