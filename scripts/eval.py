#!/usr/bin/env python3
"""eval.py — precision and recall of itemdup's groups against planted truth.

Reads (tab separated):
  pairs  item_a, item_b, score, shared_account_keys   every scored candidate pair
  truth  item_a, item_b, class                         planted duplicate pairs
Pairs are "found" at threshold T when they score >= T; found groups are the
connected components of found pairs, and every pair of items sharing a found
group counts (as the published results would show it).  The truth is the
transitive closure of the planted pairs.  The naive rule: any candidate pair
sharing at least one (environment, institution, name, mask) key, grouped the
same way.  Prints a markdown report.
"""
import argparse
import collections
import sys


class UnionFind:
    def __init__(self):
        self.parent = {}

    def find(self, x):
        p = self.parent.setdefault(x, x)
        while p != self.parent[p]:
            self.parent[p] = self.parent[self.parent[p]]
            p = self.parent[p]
        self.parent[x] = p
        return p

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb


def closure_pairs(edges):
    """All pairs (a < b) of items sharing a connected component of edges
    (used for the truth, whose components are small)."""
    uf = UnionFind()
    for a, b in edges:
        uf.union(a, b)
    comps = collections.defaultdict(list)
    for x in list(uf.parent):
        comps[uf.find(x)].append(x)
    out = set()
    for members in comps.values():
        members.sort()
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                out.add((members[i], members[j]))
    return out


class Grouping:
    """Connected components of found pairs, without listing their pairs:
    a chance-collision rule can chain millions of Items into one group."""

    def __init__(self, edges):
        self.uf = UnionFind()
        for a, b in edges:
            self.uf.union(a, b)
        sizes = collections.Counter(self.uf.find(x) for x in list(self.uf.parent))
        self.n_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
        self.largest = max(sizes.values(), default=0)

    def together(self, a, b):
        if a not in self.uf.parent or b not in self.uf.parent:
            return False
        return self.uf.find(a) == self.uf.find(b)


def prf(found, truth):
    """found: a Grouping or a set of pairs; truth: a set of pairs."""
    if isinstance(found, Grouping):
        tp = sum(1 for a, b in truth if found.together(a, b))
        n = found.n_pairs
    else:
        tp = len(found & truth)
        n = len(found)
    p = tp / n if n else 1.0
    r = tp / len(truth) if truth else 1.0
    return n, tp, p, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs")
    ap.add_argument("truth")
    ap.add_argument("--threshold", type=float, default=0.0)
    ap.add_argument("--sweep", default="-4,-2,0,2,4,6,8,10,12,16",
                    help="comma-separated thresholds; use --sweep=-4,... for negatives")
    args = ap.parse_args()

    scored = []
    for line in open(args.pairs):
        a, b, s, k = line.rstrip("\n").split("\t")
        if b < a:
            a, b = b, a
        scored.append((a, b, float(s), int(k)))
    planted = collections.defaultdict(set)
    truth_edges = []
    for line in open(args.truth):
        a, b, c = line.rstrip("\n").split("\t")
        if b < a:
            a, b = b, a
        planted[c].add((a, b))
        truth_edges.append((a, b))
    truth = closure_pairs(truth_edges)

    def at(t):
        return Grouping([(a, b) for a, b, s, _ in scored if s >= t])

    print(f"truth: {len(truth_edges)} planted pairs, {len(truth)} pairs in their closure; "
          f"{len(scored)} candidate pairs scored\n")
    print("| rule | threshold | pairs found | true | precision | recall | largest group |")
    print("|---|---|---|---|---|---|---|")
    naive = Grouping([(a, b) for a, b, _, k in scored if k >= 1])
    n, tp, p, r = prf(naive, truth)
    print(f"| naive: share one (institution, name, mask), grouped | — | {n} | {tp} | {p:.4f} | {r:.4f} | {naive.largest} |")
    naive_direct = {(a, b) for a, b, _, k in scored if k >= 1}
    n, tp, p, r = prf(naive_direct, truth)
    print(f"| naive, flagged pairs only | — | {n} | {tp} | {p:.4f} | {r:.4f} | — |")
    sweep = sorted(set(float(x) for x in args.sweep.split(",")) | {args.threshold})
    for t in sweep:
        found = at(t)
        n, tp, p, r = prf(found, truth)
        mark = " **(default)**" if t == args.threshold else ""
        print(f"| itemdup{mark} | {t:g} | {n} | {tp} | {p:.4f} | {r:.4f} | {found.largest} |")

    found = at(args.threshold)
    print(f"\nRecall per planted class at the default threshold {args.threshold:g} "
          "(a planted pair counts when both items share a found group):\n")
    print("| class | planted pairs | found | recall |")
    print("|---|---|---|---|")
    for c in sorted(planted):
        n = len(planted[c])
        hit = sum(1 for a, b in planted[c] if found.together(a, b))
        print(f"| {c} | {n} | {hit} | {hit / n:.4f} |")
    n, tp, _, _ = prf(found, truth)
    print(f"\nFalse pairs at the default threshold: {n - tp}")


if __name__ == "__main__":
    sys.exit(main())
