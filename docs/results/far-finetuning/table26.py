#!/usr/bin/env python3
"""Rule 26: P (the head alone first, then fine-tuning as shipped; ANA_FT_PROBE=1) against M (rule 17 as shipped) on the far
package, paired by style and seed, and on 0.7.0 (research-40x): WORK26=DIR WORK24=DIR python3 table26.py. P's runs
STYLE-Pfar-sN, STYLE-P070-s1 in $WORK26; M's STYLE-Mfar-sN, STYLE-M070-s1 in $WORK24 (stop 69's, reused if M re-run in
$WORK26 on research-40x seed 1 gives its figures; printed below). Seconds: the probe's and the fine-tuning's training from
each run's train log. ARM=R pairs rule 27's R (one training at 6e-3, STYLE-Rfar-sN in $WORK26) with the same M runs instead;
ARM=W or ARM=W6 rule 28's (the left-out labels held to the start weights' patch scores, ANA_FT_LWF=1; W6 at 6e-3), with
rule 28's bars and the seconds the start weights took to score the training patches, then rule 29's 0.7.0 pairs
(STYLE-M070-sN and STYLE-W070-sN in $WORK26) as `0.7.0 |` lines with its bars."""
import json, os, re
W26, W24 = os.environ.get('WORK26', '/tmp/rare26'), os.environ.get('WORK24', '/tmp/rare24')
STYLES = ['routine-20x-colour-jpeg', 'mercury-hotspot-12bit', 'research-40x-mono16']
SIX = ['homogeneous', 'speckled', 'centromere', 'nucleolar', 'nuclear_envelope', 'golgi']
TWO = ['nuclear_dots', 'mitochondrial']
A = os.environ.get('ARM', 'P')
mean = lambda v: sum(v) / len(v) if v else float('nan')
def load(d):
    if not os.path.exists(f'{d}/eval.json'): return None
    e, p = json.load(open(f'{d}/eval.json')), json.load(open(f'{d}/manifest.json'))['provenance']
    log = open(f'{d}.train.log').read()
    probe = re.search(r'^probe: (\d+) epochs, best (\d+), ([\d.]+) s$', log, re.M)
    lwf = re.search(r'^lwf: (\d+) training patches scored by the start weights in ([\d.]+) s', log, re.M)
    train = float(re.search(r'training ([\d.]+) s', log).group(1))
    f1 = lambda ks: mean([e['per_class'][k]['f1'] for k in ks])
    ap = lambda ks: mean([e['per_class'][k]['ap'] for k in ks])
    return {'eight': e['f1_macro'], 'map': e['map'], 'six': f1(SIX), 'two': f1(TWO), 'ap6': ap(SIX), 'ap2': ap(TWO), 'lr': p['training']['lr'],
            'how': f"{p['epochs']} ({p['bestEpoch']}), {p['training']['lr']}, {p['blend']}",
            'probe': f"probe {probe.group(1)} ({probe.group(2)}), {float(probe.group(3)):.0f} s; " if probe else '',
            'probe_s': float(probe.group(3)) if probe else 0.0, 'train_s': train,
            'lwf_s': float(lwf.group(2)) if lwf else 0.0, 'epochs': p['epochs']}
cell = lambda r: f"{r['eight']:.3f} / {r['map']:.3f} / {r['six']:.3f} / {r['two']:.3f}; {r['probe']}{r['how']}; {r['train_s']:.0f} s"
print(f"| style, seed | M (rule 17): all eight / mAP / six trained / two left out; epochs (kept), rate, blend; training s | {A}: the same{', probe epochs (kept) and s first' if A == 'P' else ''} | {A} − M all eight / six trained |")
print('|---|---|---|---|')
d = {q: [] for q in ('eight', 'map', 'six', 'two', 'ap6', 'ap2')}; share = []; times = []
for s in STYLES:
    for n in (1, 2, 3):
        m, x = load(f'{W24}/{s}-Mfar-s{n}'), load(f'{W26}/{s}-{A}far-s{n}')
        if not (m and x): continue
        print(f"| {s.split('-')[0]}, {n} | {cell(m)} | {cell(x)} | {x['eight'] - m['eight']:+.3f} / {x['six'] - m['six']:+.3f} |")
        for q in d: d[q].append(x[q] - m[q])
        share.append(x['probe_s'] / x['train_s'])
        times.append((x['train_s'] / m['train_s'], x['lwf_s'], (x['train_s'] / x['epochs']) / (m['train_s'] / m['epochs'])))
if d['eight'] and A in ('W', 'W6'):
    print(f"\nfar package, {A} − M over {len(d['eight'])} pairs (of five): two left out AP {mean(d['ap2']):+.3f} (bar -0.01), F1 {mean(d['two']):+.3f} (bar 0); "
          f"six trained {mean(d['six']):+.3f} (bar {'-0.005' if A == 'W' else '+0.02'}); mAP {mean(d['map']):+.3f} (bar +0.01); worst pair's six {min(d['six']):+.3f} (bar -0.05); all eight {mean(d['eight']):+.3f}")
    print(f"AP, {A} − M: the six trained {mean(d['ap6']):+.3f} ({', '.join(f'{v:+.3f}' for v in d['ap6'])}), the two left out {mean(d['ap2']):+.3f} ({', '.join(f'{v:+.3f}' for v in d['ap2'])})")
    print(f"training s, {A} over M (bar 1.1): {', '.join(f'{t:.2f}' for t, _, _ in times)}; a training epoch's s over M's: {', '.join(f'{e:.2f}' for _, _, e in times)}; scoring the training patches first: {', '.join(f'{l:.0f}' for _, l, _ in times)} s")
elif d['eight']:
    print(f"\nfar package, {A} − M over {len(d['eight'])} pairs (of five): six trained {mean(d['six']):+.3f} (bar +0.02), all eight {mean(d['eight']):+.3f} (bar +0.01), "
          f"mAP {mean(d['map']):+.3f} (bar +0.01), two left out {mean(d['two']):+.3f}; worst pair's six {min(d['six']):+.3f} (bar -0.05)")
    print(f"AP, {A} − M: the six trained {mean(d['ap6']):+.3f} ({', '.join(f'{v:+.3f}' for v in d['ap6'])}), the two left out {mean(d['ap2']):+.3f} ({', '.join(f'{v:+.3f}' for v in d['ap2'])})")
    if A == 'P': print(f"the probe's seconds over the fine-tuning's: {', '.join(f'{r:.2f}' for r in share)} (bar 0.20)")
m, x = load(f'{W24}/research-40x-mono16-M070-s1'), load(f'{W26}/research-40x-mono16-{A}070-s1')
if m and x: print(f"\n0.7.0, research-40x seed 1: M {cell(m)}; {A} {cell(x)}; {A} − M all eight {x['eight'] - m['eight']:+.3f} (bar -0.01)")
# Rule 29: more 0.7.0 pairs, both arms run in $WORK26 (research-40x seed 1's M is stop 69's, above).
d70 = {q: [] for q in ('eight', 'six', 'two', 'ap2')}
for s in STYLES:
    for n in (1, 2, 3):
        m = load(f'{W26}/{s}-M070-s{n}') or (load(f'{W24}/{s}-M070-s{n}') if (s, n) == ('research-40x-mono16', 1) else None)
        x = load(f'{W26}/{s}-{A}070-s{n}')
        if not (m and x): continue
        print(f"0.7.0 | {s.split('-')[0]}, {n} | {cell(m)} | {cell(x)} | {x['eight'] - m['eight']:+.3f} / {x['six'] - m['six']:+.3f} / two {x['two'] - m['two']:+.3f}, AP {x['ap2'] - m['ap2']:+.3f} |")
        for q in d70: d70[q].append(x[q] - m[q])
if len(d70['eight']) > 1:
    print(f"0.7.0, {A} − M over {len(d70['eight'])} pairs: all eight {mean(d70['eight']):+.3f} (rule 29's bar 0.000), two left out F1 {mean(d70['two']):+.3f} (bar -0.02), AP {mean(d70['ap2']):+.3f} (bar -0.01), "
          f"six trained {mean(d70['six']):+.3f} (bar -0.005); worst pair's all eight {min(d70['eight']):+.3f} (bar -0.03)")
r = load(f'{W26}/research-40x-mono16-Mfar-s1')
if r: print(f"research-40x, M re-run here: {cell(r)} (stop 69: {cell(load(f'{W24}/research-40x-mono16-Mfar-s1'))})")
