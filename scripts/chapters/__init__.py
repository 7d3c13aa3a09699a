"""One module per chapter: its experiment runs (``@data``), its figures
(``@figure``) and the numbers its page states (``@value``).

A page's placeholder ``{{ house.table }}`` comes from the function registered
as ``@value("house.table")`` in ``house_prices.py``; its figure
``figures/house-fits.png`` from ``@figure("house-fits.png")`` in the same file.
"""
