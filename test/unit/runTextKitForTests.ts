// The kit the main bundle hands the work bundle (see src/delegate/runTextKit.ts), made from the real modules.
import { isFinal, statusCategory, statusLabel } from '../../src/api/status';
import type { RunTextKit } from '../../src/delegate/runTextKit';
import { GROUP_ORDER, groupOf, groupRuns, pullRequestNumber, runTitle } from '../../src/runs/runModel';
import { cleanServiceText, serviceLabel } from '../../src/util/serviceText';
import { safeExternalUrl } from '../../src/util/urlPolicy';

export const realKit: RunTextKit = { cleanServiceText, serviceLabel, safeExternalUrl, statusLabel, statusCategory, isFinal, runTitle, groupOf, groupRuns, groupOrder: GROUP_ORDER, pullRequestNumber };
