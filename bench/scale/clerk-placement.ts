/**
 * Where part 2 puts each office's clerk socket (pure: no I/O). `spread`, as a deployment's consoles land through the
 * load balancer: office i's clerk on node (i mod nodes), directly, so each node takes an equal share of the calls and
 * the bench knows which node served each one; the displays of office i are spread as display j on node (j mod nodes),
 * so every office still has (nodes − 1)/nodes of its displays on other nodes than its clerk. `node-a`: every clerk on
 * the first node (the part's behaviour before 2026-12-07, one node doing every call-next).
 */
export const CLERK_PLACEMENTS = ['spread', 'node-a'] as const;
export type ClerkPlacement = (typeof CLERK_PLACEMENTS)[number];

/** The index of the node office `officeIndex`'s clerk connects to first. */
export function clerkNodeIndex(officeIndex: number, nodes: number, placement: ClerkPlacement): number {
  if (!Number.isInteger(officeIndex) || officeIndex < 0 || !Number.isInteger(nodes) || nodes < 1)
    throw new RangeError(`no node for office ${officeIndex} of ${nodes} nodes`);
  return placement === 'node-a' ? 0 : officeIndex % nodes;
}

/** `--clerks=spread|node-a` from the command line (default `spread`); anything else is refused with the choices. */
export function parseClerkPlacement(argv: readonly string[]): ClerkPlacement {
  const value = argv.find((a) => a.startsWith('--clerks='))?.slice('--clerks='.length);
  if (value === undefined) return 'spread';
  if ((CLERK_PLACEMENTS as readonly string[]).includes(value)) return value as ClerkPlacement;
  throw new Error(`--clerks=${value}: expected one of ${CLERK_PLACEMENTS.join(', ')}`);
}
