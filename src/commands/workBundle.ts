// Entry of the work bundle (dist/work.js, loaded the first time work is sent or brought back): the send
// pipeline's glue and the bring-back commands. Everything they need from the main bundle arrives through
// their dependencies, so no module is in two bundles.
export { createWorkSender, WorkSender, type SendWorkDeps } from './sendWork';
export { RunChangesCommands, type ChangesDeps } from './changesCommands';
