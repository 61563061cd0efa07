// Three-way merge of a user's edited copy with a newer catalog version (node-diff3), writing
// git-style conflict markers only where both sides changed the same lines.
import { diff3Merge } from 'node-diff3';

export interface MergeOutcome {
  readonly text: string;
  readonly conflicts: number;
}

export interface MergeLabels {
  readonly ours: string;
  readonly base: string;
  readonly theirs: string;
}

export function mergeThreeWay(ours: string, base: string, theirs: string, labels: MergeLabels): MergeOutcome {
  const regions = diff3Merge(ours.split('\n'), base.split('\n'), theirs.split('\n'), { excludeFalseConflicts: true });
  const lines: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) {
      lines.push(...region.ok);
    } else if (region.conflict) {
      conflicts++;
      lines.push(
        `<<<<<<< ${labels.ours}`,
        ...region.conflict.a,
        `||||||| ${labels.base}`,
        ...region.conflict.o,
        '=======',
        ...region.conflict.b,
        `>>>>>>> ${labels.theirs}`,
      );
    }
  }
  return { text: lines.join('\n'), conflicts };
}
