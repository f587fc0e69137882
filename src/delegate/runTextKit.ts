// What the chat and tool answers need from the main bundle to say anything about a run: the one sanitizer,
// the URL policy, and what the run model makes of statuses, titles, groups and pull requests. The answers
// live in the lazily loaded work bundle, which imports none of these modules at run time (a module is
// never in two bundles): the main bundle hands them over as this kit.
import type { isFinal, statusCategory, statusLabel } from '../api/status';
import type { groupOf, groupRuns, GroupId, pullRequestNumber, runTitle } from '../runs/runModel';
import type { cleanServiceText, serviceLabel } from '../util/serviceText';
import type { safeExternalUrl } from '../util/urlPolicy';

export interface RunTextKit {
  cleanServiceText: typeof cleanServiceText;
  serviceLabel: typeof serviceLabel;
  safeExternalUrl: typeof safeExternalUrl;
  statusLabel: typeof statusLabel;
  statusCategory: typeof statusCategory;
  isFinal: typeof isFinal;
  runTitle: typeof runTitle;
  groupOf: typeof groupOf;
  groupRuns: typeof groupRuns;
  groupOrder: readonly GroupId[];
  pullRequestNumber: typeof pullRequestNumber;
}
