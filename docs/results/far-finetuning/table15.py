#!/usr/bin/env python3
"""Rule 15: epoch-weight averaging arms (Atail, Awin5) against F (rule 13's Ffar, in WORK10) on rule 8's test fields: python3 table15.py [far [TAGS...]]."""
import json, os, sys
W10 = os.environ.get('WORK10', '/tmp/rare10'); W15 = os.environ.get('WORK15', W10)
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
pkg = sys.argv[1] if len(sys.argv) > 1 else 'far'
ARMS = {'F': f'{W10}/{{s}}-F' + ('far' if pkg == 'far' else '070')}
for tag in (sys.argv[2:] or ['Atail', 'Awin5']): ARMS[tag] = f'{W15}/{{s}}-{tag}' + ('' if pkg == 'far' else '070')
def load(p): return json.load(open(p)) if os.path.exists(p) else None
def six(e): return sum(e['per_class'][k]['f1'] for k in SIX) / len(SIX)
def rare(e, q): return sum(e['per_class'][k][q] for k in RARE) / len(RARE)
def choices(m): p = m['provenance']; return f"{p['epochs']} ({p['bestEpoch']}), blend {p['blend']}"
mean = lambda v: sum(v) / len(v) if v else float('nan')
print('| style | ' + ' | '.join(ARMS) + ' |'); print('|---|' + '---|' * len(ARMS))
d = {a: {q: [] for q in ['eight', 'map', 'six', 'rr', 'rap', 'rf1']} for a in ARMS if a != 'F'}
for s in STYLES:
    e = {a: load(p.format(s=s) + '/eval.json') for a, p in ARMS.items()}
    m = {a: load(p.format(s=s) + '/manifest.json') for a, p in ARMS.items()}
    print(f"| {s}, all eight macro-F1 / mAP | " + ' | '.join(f"{e[a]['f1_macro']:.3f} / {e[a]['map']:.3f}" if e[a] else '—' for a in ARMS) + ' |')
    print(f"| {s}, six others | " + ' | '.join(f"{six(e[a]):.3f}" if e[a] else '—' for a in ARMS) + ' |')
    print(f"| {s}, rare recall / AP / F1 | " + ' | '.join(f"{rare(e[a],'recall'):.3f} / {rare(e[a],'ap'):.3f} / {rare(e[a],'f1'):.3f}" if e[a] else '—' for a in ARMS) + ' |')
    print(f"| {s}, epochs (kept), blend | " + ' | '.join(choices(m[a]) if m[a] else '—' for a in ARMS) + ' |')
    for a in d:
        if e[a] and e['F']:
            d[a]['eight'].append(e[a]['f1_macro'] - e['F']['f1_macro']); d[a]['map'].append(e[a]['map'] - e['F']['map'])
            d[a]['six'].append(six(e[a]) - six(e['F']))
            for q, k in [('rr', 'recall'), ('rap', 'ap'), ('rf1', 'f1')]: d[a][q].append(rare(e[a], k) - rare(e['F'], k))
for a, v in d.items():
    if v['eight']: print(f"{pkg} {a} − F over {len(v['eight'])} styles: all eight {mean(v['eight']):+.3f} (worst style {min(v['eight']):+.3f}), mAP {mean(v['map']):+.3f}, six others {mean(v['six']):+.3f}; rare recall {mean(v['rr']):+.3f}, AP {mean(v['rap']):+.3f}, F1 {mean(v['rf1']):+.3f}")
