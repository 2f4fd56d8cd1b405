#!/usr/bin/env python3
"""The CSV of rules 8 and 9 for one style: rule 2's 300 fields (seed 7202) with their first 2·N rows
replaced by N fields holding nuclear dots but not mitochondrial and N the other way round (the
first such in pools 7303, 7304, then 7305 where drawn), plus the style's 100 shift-benchmark test
fields. `make_csv.py STYLE` is rule 8's (N = 10, `WORK/STYLE.csv`); `make_csv.py STYLE 24` is
rule 9's (`WORK/rule9/STYLE.csv`). Paths absolute."""
import csv, os, sys
style = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10
work = os.environ.get('WORK', '/tmp/rare8')
root = f'{work}/data/{style}'
def rows(name):
    with open(f'{root}/{name}/labels.csv') as f:
        return [dict(r, path=os.path.join(root, name, r['path'])) for r in csv.DictReader(f)]
def holds(r, k): return k in r['labels'].split()
base = rows('base')
# POOLS (rule 23): other pools to draw the rare fields from, e.g. POOLS=pool6,pool7 (output OUT_DIR).
pools = os.environ.get('POOLS', 'pool1,pool2,pool3').split(',')
pool = [r for name in pools if os.path.exists(f'{root}/{name}/labels.csv') for r in rows(name)]
nd = [r for r in pool if holds(r, 'nuclear_dots') and not holds(r, 'mitochondrial')][:n]
mi = [r for r in pool if holds(r, 'mitochondrial') and not holds(r, 'nuclear_dots')][:n]
assert len(nd) == n and len(mi) == n, (len(nd), len(mi))
assert not any(holds(r, 'nuclear_dots') or holds(r, 'mitochondrial') for r in base)
train = [dict(r, split='train') for r in nd + mi + base[2 * n:]]
test = [r for r in rows('bench') if r['split'] == 'test']
out_dir = os.environ.get('OUT_DIR') or (work if n == 10 else f'{work}/rule9')
os.makedirs(out_dir, exist_ok=True)
out = f'{out_dir}/{style}.csv'
with open(out, 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=['path', 'labels', 'split'])
    w.writeheader()
    for r in train + test: w.writerow({k: r[k] for k in ('path', 'labels', 'split')})
print(out, len(train), 'train', len(test), 'test')
