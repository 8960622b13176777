/**
 * Groups messages into campaigns: two messages are in one campaign when they share a normalised
 * body fingerprint, a subject pattern (of 8+ characters: short ones like "hi" say nothing) or a
 * URL (see campaign.ts for the normalisation). Linked groups merge (union-find), and a campaign
 * is named by the smallest fingerprint in it, so the name is stable as messages are added.
 */
export interface CampaignMessage {
  readonly fingerprint: string;
  readonly subjectPattern: string;
  readonly urls: readonly string[];
}

export function assignCampaigns(messages: readonly CampaignMessage[]): string[] {
  const parent = messages.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const firstWith = new Map<string, number>();
  const link = (feature: string, i: number) => {
    const first = firstWith.get(feature);
    if (first === undefined) firstWith.set(feature, i);
    else parent[find(i)] = find(first);
  };
  messages.forEach((m, i) => {
    link(`f:${m.fingerprint}`, i);
    if (m.subjectPattern.length >= 8) link(`s:${m.subjectPattern}`, i);
    for (const url of m.urls) link(`u:${url}`, i);
  });
  const name = new Map<number, string>();
  messages.forEach((m, i) => {
    const root = find(i);
    const current = name.get(root);
    if (current === undefined || m.fingerprint < current) name.set(root, m.fingerprint);
  });
  return messages.map((_, i) => `c-${name.get(find(i))}`);
}
