"""Speed and memory benchmarks of scgan_tf: `python -m benchmarks --help`.

Not part of the installed package; run from the repository root. See
`docs/performance.md` for the results and how to read them.
"""
