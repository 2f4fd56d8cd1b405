#!/usr/bin/env python3
"""Rule 8's CSV for one style: rule 2's 300 fields (seed 7202) with the first 20 rows replaced by
10 fields holding nuclear dots but not mitochondrial and 10 the other way round (pool 7303, then
7304), plus the style's 100 shift-benchmark test fields. Paths absolute."""
import csv, os, sys
style = sys.argv[1]
work = os.environ.get('WORK', '/tmp/rare8')
root = f'{work}/data/{style}'
def rows(name):
    with open(f'{root}/{name}/labels.csv') as f:
        return [dict(r, path=os.path.join(root, name, r['path'])) for r in csv.DictReader(f)]
base = rows('base')
pool = rows('pool1') + rows('pool2')
def holds(r, k): return k in r['labels'].split()
nd = [r for r in pool if holds(r, 'nuclear_dots') and not holds(r, 'mitochondrial')][:10]
mi = [r for r in pool if holds(r, 'mitochondrial') and not holds(r, 'nuclear_dots')][:10]
assert len(nd) == 10 and len(mi) == 10, (len(nd), len(mi))
assert not any(holds(r, 'nuclear_dots') or holds(r, 'mitochondrial') for r in base)
train = [dict(r, split='train') for r in nd + mi + base[20:]]
test = [r for r in rows('bench') if r['split'] == 'test']
out = f'{work}/{style}.csv'
with open(out, 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=['path', 'labels', 'split'])
    w.writeheader()
    for r in train + test: w.writerow({k: r[k] for k in ('path', 'labels', 'split')})
print(out, len(train), 'train', len(test), 'test')
