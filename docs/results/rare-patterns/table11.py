#!/usr/bin/env python3
"""Rules 10-12: per package, zero-shot, T (trained), S (left out, rule 8), D (held to the starting reading, rule 11) and on the far package E (left out, the early-stopping score over the trained patterns: rule 12) on rule 8's test fields."""
import json, os
W = os.environ.get('WORK10', '/tmp/rare10'); R8 = os.environ.get('WORK', '/tmp/rare8')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
def load(p): return json.load(open(p)) if os.path.exists(p) else None
def cell(e, k):
    if not e: return '—'
    c = e['per_class'][k]; return f"{c['recall']:.3f} / {c['ap']:.3f} / {c['f1']:.3f} ({c['precision']:.3f})"
def six(e): return sum(e['per_class'][k]['f1'] for k in SIX) / len(SIX)
ARMS = {
  '0.7.0': {'zero-shot': f'{R8}/{{s}}-zero.json', 'T': f'{R8}/{{s}}-T/eval.json', 'S': f'{R8}/{{s}}-S/eval.json', 'D': f'{W}/{{s}}-D070/eval.json'},
  'far': {'zero-shot': f'{W}/{{s}}-zero.json', 'T': f'{W}/{{s}}-T/eval.json', 'S': f'{W}/{{s}}-S/eval.json', 'D': f'{W}/{{s}}-Dfar/eval.json', 'E': f'{W}/{{s}}-Efar/eval.json'},
}
mean = lambda v: sum(v) / len(v) if v else float('nan')
for pkg, arms in ARMS.items():
    print(f'\n### {pkg}\n')
    print('| recall / AP / F1 (precision) | ' + ' | '.join(arms) + ' |'); print('|---|' + '---|' * len(arms))
    d = {pair: {m: [] for m in ['recall', 'ap', 'f1', 'six']} for pair in ['D-S', 'T-S', 'D-T', 'E-S', 'E-T']}
    for s in STYLES:
        e = {a: load(p.format(s=s)) for a, p in arms.items()}
        for k in RARE:
            print(f"| {s}, {k} ({e['zero-shot']['per_class'][k]['support'] if e['zero-shot'] else '?'}) | " + ' | '.join(cell(e[a], k) for a in arms) + ' |')
        print(f"| {s}, six others macro-F1 | " + ' | '.join(f'{six(e[a]):.3f}' if e[a] else '—' for a in arms) + ' |')
        print(f"| {s}, macro-F1 / mAP | " + ' | '.join(f"{e[a]['f1_macro']:.3f} / {e[a]['map']:.3f}" if e[a] else '—' for a in arms) + ' |')
        for pair in d:
            x, y = pair.split('-')
            if e.get(x) and e.get(y):
                for k in RARE:
                    for m in ['recall', 'ap', 'f1']: d[pair][m].append(e[x]['per_class'][k][m] - e[y]['per_class'][k][m])
                d[pair]['six'].append(six(e[x]) - six(e[y]))
    for pair, v in d.items():
        if v['six']: print(f"{pkg} {pair} over {len(v['six'])} styles: rare recall {mean(v['recall']):+.3f}, AP {mean(v['ap']):+.3f}, F1 {mean(v['f1']):+.3f}; six others {mean(v['six']):+.3f}")
