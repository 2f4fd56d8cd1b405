#!/usr/bin/env python3
"""Rule 21: W (rare patterns trained, positives weighted by sqrt((N-P)/P)) against M (main since rule 17:
left out) on the far package, seeds 1-3, paired by style and seed, and on 0.7.0 research-40x seed 1.
python3 table21.py, with $WORK21 holding W's runs (STYLE-Wfar-sN, STYLE-W070-s1) and $WORK17 stop 63's
(STYLE-Mfar-sN, STYLE-M070-s1). The weights W applied: `SEEDS=1,2,3 npx tsx fitcounts.mts` (the split follows the seed)."""
import json, os
W21 = os.environ.get('WORK21', '/tmp/rare21')
W17 = os.environ.get('WORK17', '/tmp/rare17')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
RARE = ['nuclear_dots', 'mitochondrial']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
mean = lambda v: sum(v) / len(v) if v else float('nan')

def load(d):
    try: return json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))['provenance']
    except FileNotFoundError: return None

def six(e): return mean([e['per_class'][k]['f1'] for k in SIX])

def rare(e, q): return ' '.join(f"{k[:4]} {e['per_class'][k][q]:.2f}" for k in RARE)

def row(s, n, w, m):
    fig = lambda r: f"{r[0]['f1_macro']:.3f} / {r[0]['map']:.3f} / {six(r[0]):.3f}"
    how = lambda r: f"{r[1]['epochs']} ({r[1]['bestEpoch']}), {r[1]['blend']}"
    print(f"| {s}, {n} | {how(m)} | {how(w)}, left out {', '.join(w[1]['training']['untrainedLabels']) or 'none'} | {fig(m)} | {fig(w)} | "
          f"{rare(m[0], 'recall')} → {rare(w[0], 'recall')} | {rare(m[0], 'ap')} → {rare(w[0], 'ap')} | {w[0]['f1_macro'] - m[0]['f1_macro']:+.3f} |")

HEAD = '| style, seed | M: epochs (kept), blend | W: epochs (kept), blend | M all eight / mAP / six others | W all eight / mAP / six others | rare recall M → W | rare AP M → W | W − M all eight |\n|---|---|---|---|---|---|---|---|'
print('Far package\n' + HEAD)
d = {q: [] for q in ['eight', 'map', 'six', 'recall', 'ap']}; per_seed = {n: [] for n in (1, 2, 3)}
for s in STYLES:
    for n in (1, 2, 3):
        w, m = load(f'{W21}/{s}-Wfar-s{n}'), load(f'{W17}/{s}-Mfar-s{n}')
        if not (w and m): continue
        row(s, n, w, m)
        diff = w[0]['f1_macro'] - m[0]['f1_macro']
        d['eight'].append(diff); per_seed[n].append(diff)
        d['map'].append(w[0]['map'] - m[0]['map']); d['six'].append(six(w[0]) - six(m[0]))
        for k in RARE:
            d['recall'].append(w[0]['per_class'][k]['recall'] - m[0]['per_class'][k]['recall'])
            d['ap'].append(w[0]['per_class'][k]['ap'] - m[0]['per_class'][k]['ap'])
if d['eight']:
    print(f"\nfar W − M over {len(d['eight'])} runs: all eight {mean(d['eight']):+.3f} (bar +0.02; worst run {min(d['eight']):+.3f}), mAP {mean(d['map']):+.3f} (bar +0.01), "
          f"six others {mean(d['six']):+.3f} (bar −0.01); rare recall {mean(d['recall']):+.3f}, rare AP {mean(d['ap']):+.3f}")
    print('per seed, three-style mean of all eight (bar: none below −0.01): ' + ', '.join(f'{n}: {mean(v):+.3f} ({len(v)} styles)' for n, v in per_seed.items() if v))

s = 'research-40x-mono16'
w, m = load(f'{W21}/{s}-W070-s1'), load(f'{W17}/{s}-M070-s1')
if w and m:
    print('\n0.7.0\n' + HEAD)
    row(s, 1, w, m)
    trained = [k for k in RARE if k not in w[1]['training']['untrainedLabels']]
    r = lambda e: mean([e['per_class'][k]['recall'] for k in trained])
    print(f"\n0.7.0 research-40x: all eight W − M {w[0]['f1_macro'] - m[0]['f1_macro']:+.3f} (bar −0.01); mean recall of the rare patterns W trains ({', '.join(trained) or 'none'}) "
          f"{r(w[0]):.3f} against {r(m[0]):.3f}, {r(w[0]) - r(m[0]):+.3f} (bar −0.05)")
