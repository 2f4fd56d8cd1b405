#!/usr/bin/env python3
"""Rule 8's table and verdict: zero-shot, arm T (as shipped) and arm S (share rule) on each style's test fields."""
import json, os
os.chdir(os.environ.get('WORK', '/tmp/rare8'))
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
def load(path): return json.load(open(path)) if os.path.exists(path) else None
def cell(e, k):
    c = e['per_class'][k]
    return f"{c['recall']:.3f} / {c['ap']:.3f} / {c['f1']:.3f} ({c['precision']:.3f})"
def six(e): return sum(e['per_class'][k]['f1'] for k in SIX) / len(SIX)
print('| recall / AP / F1 (precision) | 0.7.0 zero-shot | 10 cases, as shipped (T) | 10 cases, share rule (S) |')
print('|---|---|---|---|')
diffs = {'recall': [], 'ap': [], 'f1': []}; sixd = []; done = []
for s in STYLES:
    z, t, sh = load(f'{s}-zero.json'), load(f'{s}-T/eval.json'), load(f'{s}-S/eval.json')
    if not (z and t and sh): continue
    done.append(s)
    for k in RARE:
        print(f"| {s}, {k} ({z['per_class'][k]['support']}) | {cell(z, k)} | {cell(t, k)} | {cell(sh, k)} |")
        for m in diffs: diffs[m].append(sh['per_class'][k][m] - t['per_class'][k][m])
    print(f"| {s}, six others macro-F1 | {six(z):.3f} | {six(t):.3f} | {six(sh):.3f} |")
    sixd.append(six(sh) - six(t))
mean = lambda v: sum(v) / len(v) if v else float('nan')
print()
print('styles:', ', '.join(done))
bars = {'recall': 0.05, 'ap': -0.01, 'f1': 0.0}
for m, bar in bars.items(): print(f"S − T {m}: {mean(diffs[m]):+.3f} (bar {bar:+.3f}) {'met' if mean(diffs[m]) >= bar else 'MISSED'}")
print(f"S − T six others macro-F1: {mean(sixd):+.3f} (bar -0.005) {'met' if mean(sixd) >= -0.005 else 'MISSED'}")
for s in done:
    for arm in 'TS':
        card = open(f'{s}-{arm}/MODEL_CARD.md').read()
        print(s, arm, [l for l in card.splitlines() if l.startswith('- Not trained') or l.startswith('- Cases') or l.startswith('- Epochs') or l.startswith('- Learning')])
        th = json.load(open(f'{s}-{arm}/manifest.json'))['thresholds']
        print('   thresholds', {k: round(th[k], 3) for k in RARE})
