#!/usr/bin/env python3
"""Rule 30: H (the product code: the left-out labels held to the start's patch scores only where the start ranks the
early-stopping cases below 0.85 mAP as read) against M (main) on the far package's fresh pairs, both arms run side by
side in $WORK30 as STYLE-Mfar-sN and STYLE-Hfar-sN: WORK30=DIR python3 table30.py. Prints each pair, the start's mAP
(H's provenance; M's blend share 0 on the same cases) and the rule's bars."""
import json, os, re
W = os.environ.get('WORK30', '/tmp/rare30')
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
TWO = ['nuclear_dots', 'mitochondrial']
PAIRS = [('routine-20x-colour-jpeg', 2), ('mercury-hotspot-12bit', 2), ('mercury-hotspot-12bit', 3)]
mean = lambda v: sum(v) / len(v) if v else float('nan')

def load(d):
    if not os.path.exists(f'{d}/eval.json'): return None
    e, p = json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))['provenance']
    per = lambda ks, q: mean([e['per_class'][k][q] for k in ks])
    share0 = next((t['map'] for t in p.get('blendChoice', {}).get('tried', []) if t['blend'] == 0), None)
    return {'eight': e['f1_macro'], 'map': e['map'], 'six': per(SIX, 'f1'), 'two': per(TWO, 'f1'), 'ap2': per(TWO, 'ap'),
            'prec2': [e['per_class'][k]['precision'] for k in TWO], 'held': p['training'].get('untrainedTargets') == 'starting-reading',
            'start': p['training'].get('startMap', share0), 'share0': share0, 'epochs': p['epochs'],
            'how': f"{p['epochs']} ({p['bestEpoch']}), {p['training']['lr']}, {p['blend']}",
            'train_s': float(re.search(r'training ([\d.]+) s', open(f'{d}.train.log').read()).group(1))}

cell = lambda r: f"{r['eight']:.3f} / {r['map']:.3f} / {r['six']:.3f} / {r['two']:.3f} (precision {r['prec2'][0]:.2f}, {r['prec2'][1]:.2f}); {r['how']}; {r['train_s']:.0f} s"
print('| style, seed | start mAP (H; M share 0) | M: all eight / mAP / six / two left out (their precision); epochs (kept), rate, blend; training s | H, held? | H − M: all eight / six / two (AP) |')
print('|---|---|---|---|---|')
d = {q: [] for q in ('eight', 'six', 'two', 'ap2', 'map')}; times = []
for s, n in PAIRS:
    m, h = load(f'{W}/{s}-Mfar-s{n}'), load(f'{W}/{s}-Hfar-s{n}')
    if not (m and h): continue
    print(f"| {s.split('-')[0]}, {n} | {h['start']:.3f}; {m['share0']:.3f} | {cell(m)} | {cell(h)}, {'held' if h['held'] else 'left out'} | "
          f"{h['eight'] - m['eight']:+.3f} / {h['six'] - m['six']:+.3f} / {h['two'] - m['two']:+.3f} ({h['ap2'] - m['ap2']:+.3f}) |")
    for q in d: d[q].append(h[q] - m[q])
    times.append(h['train_s'] / m['train_s'])
if d['eight']:
    print(f"\nH − M over {len(d['eight'])} fresh far pairs: two left out F1 {mean(d['two']):+.3f} (bar +0.03), AP {mean(d['ap2']):+.3f} (bar 0); "
          f"six trained {mean(d['six']):+.3f} (bar -0.01); all eight {mean(d['eight']):+.3f} (bar 0.000); worst pair's all eight {min(d['eight']):+.3f} (bar -0.03); "
          f"mAP {mean(d['map']):+.3f}; training s over M's {', '.join(f'{t:.2f}' for t in times)} (bar 1.1)")
