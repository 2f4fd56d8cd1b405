#!/usr/bin/env python3
"""Rule 9's CSV: rule 2's 300 fields with rows 1-48 replaced by 24 nuclear-dots-only and 24
mitochondrial-only fields (pools 7303, 7304, 7305 in order), plus the 100 benchmark test fields."""
import csv, os, sys
style = sys.argv[1]
work = os.environ.get('WORK', '/tmp/rare8')
root = f'{work}/data/{style}'
def rows(name):
    with open(f'{root}/{name}/labels.csv') as f:
        return [dict(r, path=os.path.join(root, name, r['path'])) for r in csv.DictReader(f)]
def holds(r, k): return k in r['labels'].split()
base = rows('base')
pool = rows('pool1') + rows('pool2') + rows('pool3')
nd = [r for r in pool if holds(r, 'nuclear_dots') and not holds(r, 'mitochondrial')][:24]
mi = [r for r in pool if holds(r, 'mitochondrial') and not holds(r, 'nuclear_dots')][:24]
assert len(nd) == 24 and len(mi) == 24, (len(nd), len(mi))
train = [dict(r, split='train') for r in nd + mi + base[48:]]
test = [r for r in rows('bench') if r['split'] == 'test']
os.makedirs(f'{work}/rule9', exist_ok=True)
out = f'{work}/rule9/{style}.csv'
with open(out, 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=['path', 'labels', 'split'])
    w.writeheader()
    for r in train + test: w.writerow({k: r[k] for k in ('path', 'labels', 'split')})
print(out, len(train), 'train', len(test), 'test')
