#!/usr/bin/env python3
"""Rule 9: ~24 cases each, trained as shipped, against rule 8's S (~10 cases, left out) on the same test fields."""
import json, os
os.chdir(os.environ.get('WORK', '/tmp/rare8'))
STYLES = ['research-40x-mono16', 'mercury-hotspot-12bit', 'routine-20x-colour-jpeg']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
def cell(e, k):
    c = e['per_class'][k]; return f"{c['recall']:.3f} / {c['ap']:.3f} / {c['f1']:.3f} ({c['precision']:.3f})"
six = lambda e: sum(e['per_class'][k]['f1'] for k in SIX) / 6
r24, rS, rT = [], [], []
for s in STYLES:
    p = f'rule9/{s}-24/eval.json'
    if not os.path.exists(p): continue
    e24 = json.load(open(p)); eS = json.load(open(f'{s}-S/eval.json')); eT = json.load(open(f'{s}-T/eval.json')); z = json.load(open(f'{s}-zero.json'))
    for k in RARE:
        print(f"| {s}, {k} | {cell(z, k)} | {cell(eT, k)} | {cell(eS, k)} | {cell(e24, k)} |")
        r24.append(e24['per_class'][k]['recall']); rS.append(eS['per_class'][k]['recall']); rT.append(eT['per_class'][k]['recall'])
    print(f"| {s}, six others macro-F1 | {six(z):.3f} | {six(eT):.3f} | {six(eS):.3f} | {six(e24):.3f} |")
    card = open(f'rule9/{s}-24/MODEL_CARD.md').read()
    print('  ', [l for l in card.splitlines() if l.startswith('- Not trained')], {k: round(json.load(open(f'rule9/{s}-24/manifest.json'))['thresholds'][k], 3) for k in RARE})
n = len(r24)
if n:
    m = lambda v: sum(v) / len(v)
    print(f"entries {n}: mean recall at ~24 trained {m(r24):.3f}, rule 8 S (~10, left out) {m(rS):.3f}, T (~10, trained) {m(rT):.3f}; 24 − S {m(r24) - m(rS):+.3f} (bar −0.05): {'holds' if m(r24) - m(rS) >= -0.05 else 'DOES NOT HOLD'}")
