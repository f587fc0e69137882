// The pure core of "Send work": prompt context, templates, history, images. No vscode here.
export {
  buildContext,
  trimContext,
  makeTitle,
  MAX_DIAGNOSTICS,
  MAX_TITLE_CHARS,
  type BuildContextInput,
  type BuildContextOptions,
  type BuiltContext,
  type DiagnosticInfo,
  type DiagnosticSeverityName,
  type GitInfo,
  type LineRange,
  type SelectionRange,
  type SourceDocument,
} from './buildContext';
export { parseGitRemote, redactRemoteUrl } from './gitRemote';
export {
  BUILT_IN_TEMPLATES,
  REQUEST_PLACEHOLDER,
  applyTemplate,
  mergeTemplates,
  type MergedTemplates,
  type PromptTemplate,
} from './templates';
export { PromptHistory, type HistoryStorage, type PromptHistoryOptions } from './history';
export { imageToDataUri, detectImageType, formatBytes, ImageAttachmentError, type ImageErrorReason, type ImageMimeType } from './images';
