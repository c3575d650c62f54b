"""minsearch benchmarks: quality, speed and size, and a side-by-side baseline.

Run everything with ``python -m benchmarks.run --data DIR [--smoke] [--only quality,speed,baseline]``.
"""
