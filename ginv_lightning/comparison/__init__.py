"""``ginv compare``: shipped configs trained side by side on less and more data, in one table.

The data-efficiency question a practitioner asks before adopting symmetry: at the
same optimiser-step budget and on the same training subset, how far is each
model's samples from held-out data, and how invariant is what it learnt?
"""
