import { bodyOf, graphNode, membersOf } from './graphModel';
import { isTerminal } from './states';
import type { GraphResponse } from './types';

export interface ChordCallbackContext {
  /** The CHORD container's id (`group:<id>`). */
  chordId: string;
  /** Header tasks of the chord, and how many of them finished. */
  headers: number;
  finished: number;
}

/**
 * When `taskId` is drawn as a chord's callback (its body) in the workflow, that chord and how far its
 * header is; null for any other task.
 */
export function chordCallbackContext(graph: GraphResponse, taskId: string): ChordCallbackContext | null {
  for (const node of Object.values(graph.nodes)) {
    if (node.node_type !== 'CHORD' || bodyOf(node) !== taskId) continue;
    let headers = 0;
    let finished = 0;
    for (const id of membersOf(node)) {
      const member = graphNode(graph, id);
      if (!member) continue;
      headers++;
      if (isTerminal(member.state)) finished++;
    }
    return { chordId: node.task_id, headers, finished };
  }
  return null;
}
