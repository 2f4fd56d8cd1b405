#!/usr/bin/env python3
"""Rules 13, 14 and 16: F (every early-stopping choice on the trained patterns only), G (F holding the left-out patterns to the starting reading) and H (F, and far from the lab only the 5-case minimum leaves a pattern out) against S (rule 8) and T (trains the rare patterns), on 0.7.0 and the far package, rule 8's test fields; an arm not run prints —."""
import json, os
W = os.environ.get('WORK10', '/tmp/rare10'); R8 = os.environ.get('WORK', '/tmp/rare8')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
ARMS = {
  '0.7.0': {'T': f'{R8}/{{s}}-T', 'S': f'{R8}/{{s}}-S', 'F': f'{W}/{{s}}-F070', 'G': f'{W}/{{s}}-G070', 'H': f'{W}/{{s}}-H070'},
  'far': {'T': f'{W}/{{s}}-T', 'S': f'{W}/{{s}}-S', 'F': f'{W}/{{s}}-Ffar', 'G': f'{W}/{{s}}-Gfar', 'H': f'{W}/{{s}}-Hfar'},
}
def load(p): return json.load(open(p)) if os.path.exists(p) else None
def six(e): return sum(e['per_class'][k]['f1'] for k in SIX) / len(SIX)
def cell(e, k):
    c = e['per_class'][k]; return f"{c['recall']:.3f} / {c['ap']:.3f} / {c['f1']:.3f} ({c['precision']:.3f})"
def choices(m):
    p = m['provenance']; rates = p.get('learningRateChoice')
    return f"{p['epochs']} ({p['bestEpoch']}), blend {p['blend']}, lr {p['training']['lr']}" + (' of 2' if rates else '')
mean = lambda v: sum(v) / len(v) if v else float('nan')
for pkg, arms in ARMS.items():
    print(f'\n### {pkg}\n')
    print('| recall / AP / F1 (precision) | ' + ' | '.join(arms) + ' |'); print('|---|' + '---|' * len(arms))
    d = {pair: {m: [] for m in ['recall', 'ap', 'f1', 'six', 'eight', 'map']} for pair in ['F-S', 'F-T', 'T-S', 'G-S', 'G-F', 'H-F', 'H-T']}
    for s in STYLES:
        e = {a: load(p.format(s=s) + '/eval.json') for a, p in arms.items()}
        m = {a: load(p.format(s=s) + '/manifest.json') for a, p in arms.items()}
        for k in RARE:
            print(f"| {s}, {k} | " + ' | '.join(cell(e[a], k) if e[a] else '—' for a in arms) + ' |')
        print(f"| {s}, six others macro-F1 | " + ' | '.join(f'{six(e[a]):.3f}' if e[a] else '—' for a in arms) + ' |')
        print(f"| {s}, all eight macro-F1 / mAP | " + ' | '.join(f"{e[a]['f1_macro']:.3f} / {e[a]['map']:.3f}" if e[a] else '—' for a in arms) + ' |')
        print(f"| {s}, epochs (best), blend, rate | " + ' | '.join(choices(m[a]) if m[a] else '—' for a in arms) + ' |')
        for pair in d:
            x, y = pair.split('-')
            if e[x] and e[y]:
                for k in RARE:
                    for q in ['recall', 'ap', 'f1']: d[pair][q].append(e[x]['per_class'][k][q] - e[y]['per_class'][k][q])
                d[pair]['six'].append(six(e[x]) - six(e[y]))
                d[pair]['eight'].append(e[x]['f1_macro'] - e[y]['f1_macro'])
                d[pair]['map'].append(e[x]['map'] - e[y]['map'])
    for pair, v in d.items():
        if v['six']: print(f"{pkg} {pair} over {len(v['six'])} styles: rare recall {mean(v['recall']):+.3f}, AP {mean(v['ap']):+.3f}, F1 {mean(v['f1']):+.3f}; six others {mean(v['six']):+.3f}; all eight macro-F1 {mean(v['eight']):+.3f}, mAP {mean(v['map']):+.3f}")
