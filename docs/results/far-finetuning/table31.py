#!/usr/bin/env python3
"""Rule 31: reads thresholds31.mts's JSON lines (one per candidate; stdin or a file) and prints each candidate's left-out
patterns at kept and prevalence-matched (Q) thresholds, then the rule's bars, far (paths with `far`) and near (`070`)."""
import json, sys
lines = [json.loads(l) for l in (open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin) if l.startswith('{')]
mean = lambda v: sum(v) / len(v) if v else float('nan')
print('| candidate | pattern: signed; training-row calls kept → Q; test F1 kept → Q (weighted to the training prevalence); test calls kept → Q of positives | Q − kept, two left out: weighted / plain |')
print('|---|---|---|')
groups = {'far': [], '070': []}
for c in lines:
    name = c['dir'].rstrip('/').split('/')[-1]
    cells = [f"{u['key']}: {u['signed']}; {u['trainCallsKept']} → {u['trainCallsQ']}; {u['kept']['plain']:.3f} → {u['q']['plain']:.3f} ({u['kept']['weighted']:.3f} → {u['q']['weighted']:.3f}); {u['kept']['called']} → {u['q']['called']} of {u['kept']['positives']}" for u in c['untrained']]
    dw = mean([u['q']['weighted'] - u['kept']['weighted'] for u in c['untrained']])
    dp = mean([u['q']['plain'] - u['kept']['plain'] for u in c['untrained']])
    print(f"| {name} | {'<br>'.join(cells)} | {dw:+.3f} / {dp:+.3f} |")
    groups['far' if 'far' in name else '070'].append((dw, dp))
for g, v in groups.items():
    if v: print(f"\n{g}: {len(v)} candidates, Q − kept weighted F1 {mean([w for w, _ in v]):+.3f} (bar {'+0.05' if g == 'far' else '-0.01'}), worst {min(w for w, _ in v):+.3f} (bar -0.10); plain F1 {mean([p for _, p in v]):+.3f} (bar -0.02)")
