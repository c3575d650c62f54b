"""The pieces :class:`minsearch.search.Searcher` is made of, one job each.

- :mod:`.validate`: a request's parameters checked and normalised (also the front ends' own
  parameters, such as a page number, so every bound is written once);
- :mod:`.encoding`: the query encoder, loaded on first use, and the worker that runs the
  semantic view beside the keyword view;
- :mod:`.candidates`: what the store's two views find for a query, under its filters;
- :mod:`.page`: a ranking turned into the hits of one page, with their snippets.

The Searcher calls them in that order; it is the only one that knows the order.
"""
