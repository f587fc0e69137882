// Entry of the work bundle (dist/work.js, loaded the first time work is sent or brought back): the send
// pipeline's glue and the bring-back commands. Everything they need from the main bundle arrives through
// their dependencies, so no module is in two bundles.
export { createWorkSender, WorkSender, type SendWorkDeps } from './sendWork';
export { RunChangesCommands, type ChangesDeps } from './changesCommands';
export { DelegateCommands } from './delegateWork';
export { CodegenChat } from './chatHandler';
export { CodegenTools } from './lmTools';
export type { AgentRunsSource } from './runsSource';
export { createAuthCommands, type AuthCommands, type AuthCommandsDeps } from './authCommands';
export { createPrCommands, type PrCommandsDeps } from './prCommands';
export { vscodePromptUi } from './promptUi';
export { GitAdapter } from '../git/gitApi';
