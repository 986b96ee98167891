// A kafkajs partition assigner that co-partitions: partition p of every subscribed topic goes to the same
// member (p mod members, over sorted member IDs). kafkajs's default round-robin deals topic-partitions
// one by one across topics, so partition 3 of the events topic and partition 3 of the spans topic may
// land on different members; a rules worker needs one order's events, spans and logs (same key → same
// partition number) in one process. Every topic ordertrace creates has the same partition count.
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const COPARTITIONED_ASSIGNER_NAME = 'OrdertraceCoPartitioned';

/** Pure: member IDs × topic partition counts → partitions per member per topic. */
export function coPartition(memberIds: string[], partitionsByTopic: Record<string, number[]>): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const out = new Map<string, Record<string, number[]>>(members.map((id) => [id, {}]));
  if (members.length === 0) return out;
  for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const owner = out.get(members[partition % members.length]!)!;
      (owner[topic] ??= []).push(partition);
    }
  }
  return out;
}

export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: COPARTITIONED_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }) {
    const partitionsByTopic = Object.fromEntries(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]));
    const assignment = coPartition(members.map((m) => m.memberId), partitionsByTopic);
    return [...assignment].map(([memberId, byTopic]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: byTopic, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: COPARTITIONED_ASSIGNER_NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});
